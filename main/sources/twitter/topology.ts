// X/Twitter topology workers (targets `twitter:<function>`, or the original's
// `skrode.ingesters.twitter:<function>`; snake_case names work). What the original's
// ingesters/twitter.py did, on the v2 API through twitter-api-v2:
//
//   user_stream / home_timeline (custom / periodic): poll the home timeline from its cursor,
//       store the tweets, push unknown user ids to user_queue and referenced tweet ids to
//       tweet_id_queue (the original's stream did the same with its events)
//   ingest_user (map over user ids): fetch and store the account
//   ingest_tweet_id (map over tweet ids): fetch and store the tweet; unavailable → tombstone
//   ingest_directs (periodic/custom): crawl followers and following of the user, follow edges
//   collect_empty_tweets (periodic): push stub posts onto tweet_id_queue (deduplicated)
//   ensure_tombstones_empty (periodic): deletion compliance (see below)
//
// Worker arguments (the seed README's keys): twitter_api (a !skrode/twitter), user_queue and
// tweet_id_queue (!skrode/queue); session (the original's SQL session) is accepted and unused:
// the store comes from the topology.
import type { Observation, Provenance } from '../../model/observations.js';
import type { JobQueue } from '../../queue/port.js';
import { PermanentJobError } from '../../queue/port.js';
import type { Store } from '../../store/port.js';
import type { MapContext, WorkerContext } from '../../topology/context.js';
import { numericId, tweetId, userId } from './ids.js';
import { createTwitterClient, isTwitterDescriptor, type TwitterClient } from './live/client.js';
import { EXPANSIONS, mapV2Tweets, TWEET_FIELDS, unavailableTweetIds, USER_FIELDS, userObservation } from './live/map-v2.js';
import { livePosts, tombstonesWithContent, twitterStubs } from './live/post-queries.js';
import { RateGate } from './live/rate-limit.js';

type Args = Record<string, unknown>;

const CURSOR_SOURCE = 'twitter';
const clients = new WeakMap<object, TwitterClient>();

function isQueue(q: unknown): q is JobQueue {
  return typeof q === 'object' && q !== null && typeof (q as JobQueue).push === 'function';
}

function optQueue(args: Args, key: string): JobQueue | undefined {
  const q = args[key];
  if (q === undefined) return undefined;
  if (!isQueue(q)) throw new PermanentJobError(`${key} must be a !skrode/queue`);
  return q;
}

interface Live {
  client: TwitterClient;
  store: Store;
  gate: RateGate;
  call<T>(endpoint: string, fn: () => Promise<T>): Promise<T>;
}

async function live(args: Args, ctx: WorkerContext): Promise<Live> {
  const d = args.twitter_api ?? args.twitter;
  if (!isTwitterDescriptor(d)) throw new Error('twitter_api must be a !skrode/twitter (e.g. twitter_api: *twitter)');
  let client = clients.get(d);
  if (!client) clients.set(d, (client = createTwitterClient(d)));
  const store = await ctx.store();
  const gate = new RateGate(store, client.tokenKey, { signal: ctx.signal, log: ctx.log, ...(typeof args.max_rate_wait_seconds === 'number' ? { maxWaitMs: args.max_rate_wait_seconds * 1000 } : {}) });
  return {
    client,
    store,
    gate,
    call: (endpoint, fn) => {
      const c = client!;
      c.lastRateLimit = undefined;
      return gate.call(endpoint, c.sleepOnRateLimit, fn, () => c.lastRateLimit);
    },
  };
}

const prov = (endpoint: string, record?: string): Provenance => ({ source: 'x-api', file: endpoint, ...(record ? { record } : {}) });

async function pushAll(q: JobQueue | undefined, kind: 'user' | 'tweet', ids: Iterable<string>): Promise<number> {
  if (!q) return 0;
  const items = [...ids].map((id) => ({ payload: id, dedupKey: `${kind}:${id}` }));
  if (items.length === 0) return 0;
  const res = await q.pushMany(items);
  return res.filter((r) => !r.duplicate).length;
}

/** A queue item as a numeric id: `"123"`, `123`, or `{id: "123"}`. */
function itemId(item: unknown): string {
  const raw = typeof item === 'object' && item !== null ? (item as { id?: unknown }).id : item;
  const id = numericId(raw);
  if (!id) throw new PermanentJobError(`not an X id: ${JSON.stringify(item).slice(0, 80)}`);
  return id;
}

// --- home timeline -------------------------------------------------------------------------------

/** One poll of the home timeline from its cursor (periodic worker). Returns tweets stored. */
export async function homeTimeline(args: Args, ctx: WorkerContext): Promise<number> {
  const l = await live(args, ctx);
  if (!l.client.userContext) throw new Error('the home timeline needs user context: give the four OAuth 1.0a keys in !skrode/twitter');
  const userQ = optQueue(args, 'user_queue');
  const tweetQ = optQueue(args, 'tweet_id_queue');
  const cursorKey = `home:${l.client.tokenKey}`;
  const since = (await l.store.getCursor(CURSOR_SOURCE, cursorKey)) ?? undefined;
  const maxPages = Number(args.max_pages ?? 10);
  if (!since && userQ && args.friends_preamble !== false) await friendsPreamble(l, userQ, ctx);
  let token: string | undefined;
  let newest = since;
  let stored = 0;
  for (let page = 0; page < maxPages && !ctx.signal.aborted; page++) {
    const p = await l.call('users/:id/timelines/reverse_chronological', () =>
      l.client.api.v2.homeTimeline({
        max_results: Number(args.max_results ?? 100),
        ...(since ? { since_id: since } : {}),
        ...(token ? { pagination_token: token } : {}),
        'tweet.fields': TWEET_FIELDS as never,
        'user.fields': USER_FIELDS as never,
        expansions: EXPANSIONS as never,
      }),
    );
    const body = p.data as { data?: unknown[]; includes?: { users?: unknown[]; tweets?: unknown[] }; meta?: { newest_id?: string; next_token?: string } };
    const mapped = mapV2Tweets(body.data ?? [], body.includes, (id) => prov('home_timeline', id));
    if (mapped.observations.length) await l.store.apply(mapped.observations);
    stored += body.data?.length ?? 0;
    await pushAll(userQ, 'user', mapped.userIds);
    await pushAll(tweetQ, 'tweet', mapped.tweetIds);
    const nid = numericId(body.meta?.newest_id);
    if (nid && (!newest || BigInt(nid) > BigInt(newest))) newest = nid;
    token = body.meta?.next_token;
    if (!token) break;
  }
  // The cursor moves only after every page is stored: a crash re-reads, and re-reading is harmless.
  if (newest && newest !== since) await l.store.setCursor(CURSOR_SOURCE, cursorKey, newest);
  if (stored) ctx.log(`home timeline: ${stored} tweets`);
  return stored;
}

/**
 * The original's stream began with the ids of everyone the user follows (its "friends"
 * preamble), pushed onto user_queue. The first poll (no cursor yet) does the same from
 * GET /2/users/:id/following, ids only, so ingest_user fetches each one once.
 */
async function friendsPreamble(l: Live, userQ: JobQueue, ctx: WorkerContext): Promise<void> {
  const me = await l.call('users/me', () => l.client.api.v2.me());
  let token: string | undefined;
  let pushed = 0;
  do {
    const page = await l.call('users/:id/following', () => l.client.api.v2.following(me.data.id, { max_results: 1000, 'user.fields': ['id'] as never, ...(token ? { pagination_token: token } : {}) }));
    const body = page as unknown as { data?: { id?: unknown }[]; meta?: { next_token?: string } };
    pushed += await pushAll(userQ, 'user', (body.data ?? []).map((u) => numericId(u.id)).filter((x): x is string => !!x));
    token = body.meta?.next_token;
  } while (token && !ctx.signal.aborted);
  if (pushed) ctx.log(`friends preamble: ${pushed} user ids queued`);
}

/**
 * The original's user_stream (custom): the streaming API is gone, so it polls the home timeline
 * every `poll_seconds` (default 60) until stopped. The original's stream options (withuser,
 * stall_warnings, replies, include_keepalive) are accepted and ignored.
 */
export async function userStream(args: Args, ctx: WorkerContext): Promise<void> {
  const every = Number(args.poll_seconds ?? 60) * 1000;
  while (!ctx.signal.aborted) {
    const t0 = Date.now();
    try {
      await homeTimeline(args, ctx);
    } catch (e) {
      if ((e as Error).name === 'ApiAuthError') throw e; // the supervisor restarts with backoff, and says why
      ctx.log(`home timeline poll failed: ${(e as Error).message}`);
    }
    const wait = every - (Date.now() - t0);
    if (wait > 0) await new Promise<void>((ok) => {
      const t = setTimeout(ok, wait);
      ctx.signal.addEventListener('abort', () => (clearTimeout(t), ok()), { once: true });
    });
  }
}

async function hasHandle(store: Store, ext: string): Promise<boolean> {
  const p = await store.person(ext);
  if (!p) return false;
  const personas = p.kind === 'human' ? p.human.personas : [p.persona];
  return personas.some((pe) => pe.accounts.some((a) => a.externalId === ext && a.names.some((n) => n.kind === 'handle')));
}

// --- by id ----------------------------------------------------------------------------------

/**
 * map: fetch one user by id and store the account. As in the original, an account already known
 * with a handle is not fetched again (the rate budget is precious) unless `refresh: true`.
 */
export async function ingestUser(item: unknown, args: Args, ctx: MapContext): Promise<void> {
  const id = itemId(item);
  const l = await live(args, ctx);
  if (args.refresh !== true && (await hasHandle(l.store, userId(id)))) return;
  const res = await l.call('users/:id', () => l.client.api.v2.user(id, { 'user.fields': USER_FIELDS as never }));
  const body = res as unknown as { data?: unknown; errors?: unknown[] };
  const obs = userObservation(body.data, prov('users/:id', id));
  if (!obs) {
    ctx.log(`user ${id} is not available (${JSON.stringify(body.errors?.[0] ?? {}).slice(0, 200)})`);
    return;
  }
  await l.store.apply([obs]);
}

/**
 * map: fetch one tweet by id and store it (with its author, mentions and the tweets it
 * references); a tweet that is deleted, or hidden by a protected account, becomes a tombstone.
 * A reply's parent that the answer did not include goes onto tweet_id_queue.
 */
export async function ingestTweetId(item: unknown, args: Args, ctx: MapContext): Promise<void> {
  const id = itemId(item);
  const l = await live(args, ctx);
  const res = await l.call('tweets/:id', () => l.client.api.v2.singleTweet(id, { 'tweet.fields': TWEET_FIELDS as never, 'user.fields': USER_FIELDS as never, expansions: EXPANSIONS as never }));
  const body = res as unknown as { data?: unknown; includes?: { users?: unknown[]; tweets?: unknown[] }; errors?: unknown[] };
  const gone = unavailableTweetIds(body.errors).find((g) => g.id === id);
  if (!body.data) {
    if (!gone) throw new Error(`tweet ${id}: no data and no reason in the answer`);
    await l.store.apply([{ type: 'tombstone', post: tweetId(id), provenance: prov('tweets/:id', `${id}: ${gone.reason}`.slice(0, 500)) }]);
    return;
  }
  const mapped = mapV2Tweets([body.data], body.includes, (tid) => prov('tweets/:id', tid));
  if (mapped.observations.length) await l.store.apply(mapped.observations);
  mapped.tweetIds.delete(id);
  await pushAll(optQueue(args, 'tweet_id_queue'), 'tweet', mapped.tweetIds);
  await pushAll(optQueue(args, 'user_queue'), 'user', mapped.userIds);
}

// --- followers / following (the original's ingest_directs) --------------------------------

/** Crawl followers and following of `username` (default: the authenticated user), with follow edges. */
export async function ingestDirects(args: Args, ctx: WorkerContext): Promise<{ followers: number; following: number }> {
  const l = await live(args, ctx);
  const seed = typeof args.username === 'string' ? await l.call('users/by/username/:username', () => l.client.api.v2.userByUsername(String(args.username).replace(/^@/, ''), { 'user.fields': USER_FIELDS as never })) : await l.call('users/me', () => l.client.api.v2.me({ 'user.fields': USER_FIELDS as never }));
  const me = seed.data;
  const meObs = userObservation(me, prov('users/me'));
  if (!meObs) throw new Error('could not read the seed user');
  await l.store.apply([meObs]);
  const out = { followers: 0, following: 0 };
  for (const which of ['followers', 'following'] as const) {
    if (args[which === 'followers' ? 'no_followers' : 'no_follows'] === true) continue;
    let token: string | undefined;
    do {
      const endpoint = `users/:id/${which}`;
      const page = await l.call(endpoint, () => l.client.api.v2[which](me.id, { max_results: Number(args.max_results ?? 1000), 'user.fields': USER_FIELDS as never, ...(token ? { pagination_token: token } : {}) }));
      const body = page as unknown as { data?: unknown[]; meta?: { next_token?: string } };
      const obs: Observation[] = [];
      for (const u of body.data ?? []) {
        const a = userObservation(u, prov(endpoint));
        if (!a) continue;
        obs.push(a);
        obs.push(which === 'followers' ? { type: 'relationship', from: a.externalId, to: userId(me.id), kind: 'follows', provenance: prov(endpoint) } : { type: 'relationship', from: userId(me.id), to: a.externalId, kind: 'follows', provenance: prov(endpoint) });
        out[which]++;
      }
      if (obs.length) await l.store.apply(obs);
      token = body.meta?.next_token;
    } while (token && !ctx.signal.aborted);
  }
  ctx.log(`directs of @${me.username}: ${out.followers} followers, ${out.following} following`);
  return out;
}

// --- periodic housekeeping ----------------------------------------------------------------

/**
 * periodic: push stub posts (known only by reference) onto tweet_id_queue. The queue's dedup key
 * makes a stub already waiting a no-op (the original re-enqueued every stub every 5 s). Walks the
 * stubs in id order from a cursor, `batch` (default 500) per run, and starts over at the end.
 */
export async function collectEmptyTweets(args: Args, ctx: WorkerContext): Promise<number> {
  const q = optQueue(args, 'tweet_id_queue');
  if (!q) throw new Error('collect_empty_tweets needs tweet_id_queue: a !skrode/queue');
  const store = await ctx.store();
  const after = (await store.getCursor(CURSOR_SOURCE, 'stub-backfill')) ?? '';
  const ids = await twitterStubs(store, after, Number(args.batch ?? 500));
  const pushed = await pushAll(q, 'tweet', ids.map((x) => x.slice('twitter+tweet:'.length)));
  await store.setCursor(CURSOR_SOURCE, 'stub-backfill', ids.length ? ids.at(-1)! : '');
  if (pushed) ctx.log(`stub backfill: ${pushed} tweet ids queued`);
  return pushed;
}

/**
 * periodic: deletion compliance. (1) Tombstoned posts that still hold text or raw JSON are
 * blanked again (applying the tombstone is idempotent and blanks them; the row stays). (2) With
 * twitter_api, stored tweets are re-checked in batches of 100 (GET /2/tweets?ids=), walking from a
 * cursor: the ones X now reports deleted or hidden become tombstones.
 */
export async function ensureTombstonesEmpty(args: Args, ctx: WorkerContext): Promise<{ blanked: number; deleted: number }> {
  const store = await ctx.store();
  const leftovers = await tombstonesWithContent(store, '', 10_000);
  if (leftovers.length) await store.apply(leftovers.map((post) => ({ type: 'tombstone' as const, post, provenance: prov('compliance') })));
  let deleted = 0;
  if (args.twitter_api !== undefined) {
    const l = await live(args, ctx);
    const after = (await store.getCursor(CURSOR_SOURCE, 'compliance')) ?? '';
    const ids = await livePosts(store, after, Number(args.batch ?? 100));
    for (let i = 0; i < ids.length; i += 100) {
      const chunk = ids.slice(i, i + 100).map((x) => x.slice('twitter+tweet:'.length));
      const res = await l.call('tweets', () => l.client.api.v2.tweets(chunk, { 'tweet.fields': ['id'] as never }));
      const gone = unavailableTweetIds((res as unknown as { errors?: unknown[] }).errors).filter((g) => chunk.includes(g.id));
      if (gone.length) await store.apply(gone.map((g) => ({ type: 'tombstone' as const, post: tweetId(g.id), provenance: prov('compliance', `${g.id}: ${g.reason}`.slice(0, 500)) })));
      deleted += gone.length;
    }
    await store.setCursor(CURSOR_SOURCE, 'compliance', ids.length ? ids.at(-1)! : '');
  }
  if (leftovers.length || deleted) ctx.log(`compliance: ${leftovers.length} tombstones blanked, ${deleted} deletions found`);
  return { blanked: leftovers.length, deleted };
}

