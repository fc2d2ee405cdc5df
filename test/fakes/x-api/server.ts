// A local fake of the X API v2 on 127.0.0.1, for driving the real twitter-api-v2 client in tests
// (TOOLCHAIN.md §6). It serves a small world (test/fixtures/twitter/api/world.json) in the
// response shapes of the real endpoints: data / includes / meta / errors, pagination tokens,
// x-rate-limit-* headers, 429 with a reset time, 401 for wrong credentials, deleted tweets as
// "Not Found Error" and tweets of protected accounts as "Authorization Error".
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

type Obj = Record<string, unknown>;

export interface XWorld {
  me: string;
  users: Obj[];
  tweets: Obj[];
  deleted: string[];
  protected_authors: string[];
  home: string[];
  followers: Record<string, string[]>;
  following: Record<string, string[]>;
}

export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  auth: 'bearer' | 'oauth1' | 'none' | 'bad';
}

export const WORLD_FIXTURE = new URL('../../fixtures/twitter/api/world.json', import.meta.url);

export function loadWorld(): XWorld {
  return JSON.parse(readFileSync(WORLD_FIXTURE, 'utf8')) as XWorld;
}

export interface FakeXApiOptions {
  world?: XWorld;
  bearerToken?: string;
  /** OAuth 1.0a consumer key the server accepts (it does not verify signatures). */
  consumerKey?: string;
  /** Page size when the client asks for none. */
  pageSize?: number;
}

export class FakeXApi {
  readonly world: XWorld;
  readonly requests: SeenRequest[] = [];
  private server: Server | undefined;
  private readonly limits: { match: RegExp; remaining: number; resetInSec: number }[] = [];
  private readonly exhausted: { match: RegExp; resetInSec: number }[] = [];
  private readonly opts: Required<Omit<FakeXApiOptions, 'world'>>;
  url = '';

  constructor(opts: FakeXApiOptions = {}) {
    this.world = opts.world ?? loadWorld();
    this.opts = { bearerToken: opts.bearerToken ?? 'FAKE_BEARER_TOKEN', consumerKey: opts.consumerKey ?? 'fake-consumer-key', pageSize: opts.pageSize ?? 3 };
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((ok) => this.server!.close(() => ok()));
  }

  /** The next `times` requests whose path matches answer 429, resetting `resetInSec` from now. */
  rateLimit(match: RegExp, times: number, resetInSec = 1): void {
    this.limits.push({ match, remaining: times, resetInSec });
  }

  /** Answers to paths matching `match` say the window is used up (remaining 0), resetting in `resetInSec`. */
  exhaust(match: RegExp, resetInSec: number): void {
    this.exhausted.push({ match, resetInSec });
  }

  /** A tweet is deleted from now on. */
  deleteTweet(id: string): void {
    this.world.deleted.push(id);
  }

  private user(id: string): Obj | undefined {
    return this.world.users.find((u) => u.id === id);
  }
  private tweet(id: string): Obj | undefined {
    if (this.world.deleted.includes(id)) return undefined;
    return this.world.tweets.find((t) => t.id === id);
  }
  private hidden(t: Obj): boolean {
    return this.world.protected_authors.includes(String(t.author_id)) && String(t.author_id) !== this.world.me && !(this.world.following[this.world.me] ?? []).includes(String(t.author_id)) ;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(u.searchParams);
    const authHeader = req.headers.authorization ?? '';
    let auth: SeenRequest['auth'] = 'none';
    if (authHeader.startsWith('Bearer ')) auth = authHeader === `Bearer ${this.opts.bearerToken}` ? 'bearer' : 'bad';
    else if (authHeader.startsWith('OAuth ')) auth = authHeader.includes(`oauth_consumer_key="${encodeURIComponent(this.opts.consumerKey)}"`) ? 'oauth1' : 'bad';
    this.requests.push({ method: req.method ?? 'GET', path: u.pathname, query, auth });
    const ex = this.exhausted.find((e) => e.match.test(u.pathname));
    const reset = Math.floor(Date.now() / 1000) + (ex ? ex.resetInSec : 900);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-rate-limit-limit': '900', 'x-rate-limit-remaining': ex ? '0' : '899', 'x-rate-limit-reset': String(reset), ...headers });
      res.end(JSON.stringify(body));
    };
    if (auth === 'none' || auth === 'bad') return send(401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
    const limit = this.limits.find((l) => l.remaining > 0 && l.match.test(u.pathname));
    if (limit) {
      limit.remaining--;
      const r = Math.floor(Date.now() / 1000) + limit.resetInSec;
      return send(429, { title: 'Too Many Requests', detail: 'Too Many Requests', type: 'about:blank', status: 429 }, { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(r) });
    }
    if (req.method !== 'GET') return send(405, { title: 'Method Not Allowed', status: 405 });

    let m: RegExpExecArray | null;
    const p = u.pathname;
    if (p === '/2/users/me') return send(200, { data: this.user(this.world.me) });
    if ((m = /^\/2\/users\/by\/username\/(\w+)$/.exec(p))) {
      const user = this.world.users.find((x) => String(x.username).toLowerCase() === m![1]!.toLowerCase());
      return send(200, user ? { data: user } : { errors: [notFound('user', m[1]!, 'username')] });
    }
    if ((m = /^\/2\/users\/(\d+)\/timelines\/reverse_chronological$/.exec(p))) {
      if (m[1] !== this.world.me) return send(403, { title: 'Forbidden', status: 403, detail: 'You can only read your own home timeline' });
      let ids = [...this.world.home].filter((id) => this.tweet(id));
      if (query.since_id) ids = ids.filter((id) => BigInt(id) > BigInt(query.since_id!));
      return send(200, this.page(ids, query, (ids) => this.tweetsBody(ids)));
    }
    if ((m = /^\/2\/users\/(\d+)\/(followers|following)$/.exec(p))) {
      const ids = (m[2] === 'followers' ? this.world.followers : this.world.following)[m[1]!] ?? [];
      return send(200, this.page(ids.filter((id) => this.user(id)), query, (ids) => ({ data: ids.map((id) => this.user(id)) })));
    }
    if ((m = /^\/2\/users\/(\d+)$/.exec(p))) {
      const user = this.user(m[1]!);
      return send(200, user ? { data: user } : { errors: [notFound('user', m[1]!, 'id')] });
    }
    if ((m = /^\/2\/tweets\/(\d+)$/.exec(p))) {
      const body = this.tweetsBody([m[1]!]);
      return send(200, { ...(body.data.length ? { data: body.data[0] } : {}), ...(body.includes ? { includes: body.includes } : {}), ...(body.errors ? { errors: body.errors } : {}) });
    }
    if (p === '/2/tweets') return send(200, this.tweetsBody((query.ids ?? '').split(',').filter(Boolean)));
    return send(404, { title: 'Not Found', status: 404, detail: `no route ${p} in the fake X API` });
  }

  /** v2 pagination: max_results + pagination_token → data slice and meta.next_token. */
  private page(ids: string[], query: Record<string, string>, body: (ids: string[]) => Obj): Obj {
    const size = Math.max(1, Math.min(Number(query.max_results ?? this.opts.pageSize) || this.opts.pageSize, 100));
    const start = query.pagination_token ? Number(Buffer.from(query.pagination_token, 'base64url').toString()) : 0;
    const slice = ids.slice(start, start + size);
    if (slice.length === 0) return { meta: { result_count: 0 } };
    const out = body(slice);
    const meta: Obj = { result_count: slice.length, newest_id: slice[0], oldest_id: slice.at(-1) };
    if (start + size < ids.length) meta.next_token = Buffer.from(String(start + size)).toString('base64url');
    if (start > 0) meta.previous_token = Buffer.from(String(Math.max(0, start - size))).toString('base64url');
    return { ...out, meta };
  }

  /** data + includes (authors, referenced tweets and their authors, mentioned users) + errors. */
  private tweetsBody(ids: string[]): { data: Obj[]; includes?: Obj; errors?: Obj[] } {
    const data: Obj[] = [];
    const errors: Obj[] = [];
    for (const id of ids) {
      const t = this.tweet(id);
      if (!t) errors.push(notFound('tweet', id, 'id'));
      else if (this.hidden(t)) errors.push({ value: id, detail: `Sorry, you are not authorized to see the Tweet with id: [${id}].`, title: 'Authorization Error', resource_type: 'tweet', parameter: 'id', resource_id: id, type: 'https://api.twitter.com/2/problems/not-authorized-for-resource' });
      else data.push(t);
    }
    const users = new Map<string, Obj>();
    const tweets = new Map<string, Obj>();
    const addUser = (id: unknown) => {
      const u = typeof id === 'string' ? this.user(id) : undefined;
      if (u) users.set(id as string, u);
    };
    for (const t of data) {
      addUser(t.author_id);
      addUser(t.in_reply_to_user_id);
      for (const mention of ((t.entities as Obj | undefined)?.mentions as Obj[] | undefined) ?? []) addUser(mention.id);
      for (const r of (t.referenced_tweets as Obj[] | undefined) ?? []) {
        const rt = this.tweet(String(r.id));
        if (rt && !this.hidden(rt)) {
          tweets.set(String(r.id), rt);
          addUser(rt.author_id);
        }
      }
    }
    const includes: Obj = {};
    if (users.size) includes.users = [...users.values()];
    if (tweets.size) includes.tweets = [...tweets.values()];
    return { data, ...(Object.keys(includes).length ? { includes } : {}), ...(errors.length ? { errors } : {}) };
  }
}

function notFound(resource: string, id: string, parameter: string): Obj {
  return { value: id, detail: `Could not find ${resource} with ${parameter}: [${id}].`, title: 'Not Found Error', resource_type: resource, parameter, resource_id: id, type: 'https://api.twitter.com/2/problems/resource-not-found' };
}
