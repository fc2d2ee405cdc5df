// The X workers, in process, against the local fake X API (test/fakes/x-api) with the real
// twitter-api-v2 client, the real SQLite store and the real SQLite job queue.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TwitterDescriptor } from '../../config/index.js';
import type { Config } from '../../config/index.js';
import { openQueue } from '../../queue/open.js';
import type { JobContext, JobQueue } from '../../queue/port.js';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/index.js';
import type { MapContext, WorkerContext } from '../../topology/context.js';
import { FakeXApi } from '../../../test/fakes/x-api/server.js';
import { RateGate } from './live/rate-limit.js';
import { collectEmptyTweets, ensureTombstonesEmpty, homeTimeline, ingestDirects, ingestTweetId, ingestUser } from './topology.js';
import { createTwitterClient } from './live/client.js';

let tmp: string;
let fake: FakeXApi;
let store: SqliteStore;
let dbPath: string;
let userQ: JobQueue;
let tweetQ: JobQueue;
let logs: string[];
let n = 0;

const oauth = (): TwitterDescriptor => ({ kind: 'twitter', oauth1: { appKey: 'fake-consumer-key', appSecret: 's', accessToken: 'at', accessSecret: 'as' }, baseUrl: fake.url });
const bearer = (token = 'FAKE_BEARER_TOKEN'): TwitterDescriptor => ({ kind: 'twitter', bearerToken: token, baseUrl: fake.url });

function ctx(): MapContext {
  const c: WorkerContext = { worker: 'test', replica: 0, host: 'test', signal: new AbortController().signal, log: (m) => logs.push(m), config: {} as Config, store: async () => store };
  return { ...c, job: { id: 'j', queue: 'q', attempt: 1, signal: c.signal } as JobContext };
}

const post = (ext: string) => store.readDb.prepare('select p.text, p.tombstone, p.raw, a.external_id as poster from posts p left join accounts a on a.id = p.poster where p.external_id = ?').get(ext) as { text: string | null; tombstone: number; raw: string | null; poster: string | null } | undefined;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'skrode-xlive-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeEach(async () => {
  fake = new FakeXApi();
  await fake.start();
  dbPath = join(tmp, `s${n++}.db`);
  store = await openSqliteStore(dbPath);
  userQ = await openQueue({ kind: 'queue', key: 'twitter_user_ids' }, { store: { kind: 'sqlite', path: dbPath } });
  tweetQ = await openQueue({ kind: 'queue', key: 'twitter_tweet_ids' }, { store: { kind: 'sqlite', path: dbPath } });
  logs = [];
});
afterEach(async () => {
  await userQ.close();
  await tweetQ.close();
  await store.close();
  await fake.stop();
});

describe('home timeline', () => {
  it('stores every page, queues what it could not see, and resumes from its cursor', async () => {
    const args = { twitter_api: oauth(), user_queue: userQ, tweet_id_queue: tweetQ, max_results: 3 };
    expect(await homeTimeline(args, ctx())).toBe(7);
    const pages = fake.requests.filter((r) => r.path.endsWith('/timelines/reverse_chronological'));
    expect(pages.length).toBe(3); // 7 tweets, 3 per page
    expect(pages.every((r) => r.auth === 'oauth1')).toBe(true);
    // A reply with its mentions, a retweet stored as the original plus a share, a long post.
    expect(post('twitter+tweet:3000000000000000011')).toMatchObject({ text: '@ada I agree, and @alan would too', poster: 'twitter+user:2000000000000000003' });
    expect(post('twitter+tweet:3000000000000000013')).toMatchObject({ text: 'Compilers are friends', poster: 'twitter+user:2000000000000000003' });
    expect(post('twitter+tweet:3000000000000000012')).toBeUndefined();
    expect(post('twitter+tweet:3000000000000000017')!.text).toMatch(/well past two hundred/);
    expect(post('twitter+tweet:3000000000000000020')).toMatchObject({ text: 'An old classic by Ada' });
    const shares = store.readDb.prepare("select count(*) as n from post_interactions where kind = 'share'").get() as { n: number };
    expect(shares.n).toBe(1);
    // The deleted parent and the protected one were not included: they are queued by id.
    expect((await tweetQ.stats()).ready).toBe(2);
    // First poll: the user's friends (following) are queued for ingest_user, as the stream's preamble was.
    expect((await userQ.stats()).ready).toBe(3);

    const before = fake.requests.length;
    expect(await homeTimeline(args, ctx())).toBe(0);
    const again = fake.requests.slice(before).filter((r) => r.path.endsWith('/timelines/reverse_chronological'));
    expect(again[0]!.query.since_id).toBe('3000000000000000017');
  });

  it('refuses an app-only bearer token (the home timeline needs a user)', async () => {
    await expect(homeTimeline({ twitter_api: bearer() }, ctx())).rejects.toThrow(/user context/);
  });
});

describe('by-id workers', () => {
  it('ingest_tweet_id stores a tweet, and tombstones deleted and protected ones', async () => {
    const args = { twitter_api: bearer(), tweet_id_queue: tweetQ, user_queue: userQ };
    await ingestTweetId('3000000000000000020', args, ctx());
    expect(post('twitter+tweet:3000000000000000020')).toMatchObject({ text: 'An old classic by Ada', tombstone: 0 });
    await ingestTweetId('3000000000000000021', args, ctx());
    expect(post('twitter+tweet:3000000000000000021')).toMatchObject({ tombstone: 1, text: null });
    await ingestTweetId({ id: '3000000000000000022' }, args, ctx());
    expect(post('twitter+tweet:3000000000000000022')).toMatchObject({ tombstone: 1, text: null });
    // A reply whose parent is gone: stored, and the parent id is queued for the tweet worker.
    await ingestTweetId('3000000000000000015', args, ctx());
    expect(post('twitter+tweet:3000000000000000015')).toMatchObject({ text: 'Replying to something that is gone' });
    expect((await store.counts()).tombstones).toBe(2);
    await expect(ingestTweetId('not-a-number', args, ctx())).rejects.toThrow(/not an X id/);
  });

  it('ingest_user stores the account with its names and profile', async () => {
    await ingestUser('2000000000000000006', { twitter_api: bearer() }, ctx());
    const p = await store.person('twitter+user:2000000000000000006');
    expect(JSON.stringify(p)).toContain('@zoe');
    expect(JSON.stringify(p)).toContain('Zoë Núñez');
    expect(JSON.stringify(p)).toContain('déjà vu');
    await ingestUser('2999999999999999999', { twitter_api: bearer() }, ctx());
    expect(logs.some((l) => /not available/.test(l))).toBe(true);
    // Known with a handle: not fetched again (the original's rule), unless refresh is asked for.
    const calls = () => fake.requests.filter((r) => r.path === '/2/users/2000000000000000006').length;
    await ingestUser('2000000000000000006', { twitter_api: bearer() }, ctx());
    expect(calls()).toBe(1);
    await ingestUser('2000000000000000006', { twitter_api: bearer(), refresh: true }, ctx());
    expect(calls()).toBe(2);
  });

  it('401: wrong credentials fail clearly and never show the token', async () => {
    const err = await ingestUser('2000000000000000006', { twitter_api: bearer('WRONG-SECRET-TOKEN') }, ctx()).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toBe('ApiAuthError');
    expect((err as Error).message).toMatch(/refused the credentials \(401\)/);
    expect(String((err as Error).message)).not.toContain('WRONG-SECRET-TOKEN');
    expect(logs.join('\n')).not.toContain('WRONG-SECRET-TOKEN');
  });
});

describe('rate limits', () => {
  it('429: waits until x-rate-limit-reset, records the window for every worker of the token, then succeeds', async () => {
    fake.rateLimit(/^\/2\/users\/\d+$/, 1, 2);
    const t0 = Date.now();
    await ingestUser('2000000000000000007', { twitter_api: bearer() }, ctx());
    // The reset is a whole second 1-2 s ahead: the worker waited for it rather than retrying at once.
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(JSON.stringify(await store.person('twitter+user:2000000000000000007'))).toContain('@ewd');
    expect(fake.requests.filter((r) => /^\/2\/users\/\d+$/.test(r.path)).length).toBe(2);
    // The window was written to the shared store: another worker (another gate) sees it.
    const other = new RateGate(store, createTwitterClient(bearer()).tokenKey);
    expect(await other.blockedUntil('users/:id')).toBeGreaterThan(t0);
    // ...and a different token does not.
    const third = new RateGate(store, createTwitterClient(bearer('another')).tokenKey);
    expect(await third.blockedUntil('users/:id')).toBe(0);
  });

  it('an answer saying the window is used up closes it for every worker before anyone gets a 429', async () => {
    fake.exhaust(/^\/2\/users\/\d+$/, 3600);
    await ingestUser('2000000000000000007', { twitter_api: bearer(), max_rate_wait_seconds: 5 }, ctx());
    expect(JSON.stringify(await store.person('twitter+user:2000000000000000007'))).toContain('@ewd');
    const other = new RateGate(store, createTwitterClient(bearer()).tokenKey);
    expect(await other.blockedUntil('users/:id')).toBeGreaterThan(Date.now() + 3000_000);
    const calls = fake.requests.length;
    const err = await ingestUser('2000000000000000006', { twitter_api: bearer(), max_rate_wait_seconds: 5 }, ctx()).catch((e: Error) => e);
    expect((err as Error).name).toBe('TransientApiError');
    expect(fake.requests.length).toBe(calls);
  });

  it('a reset further away than the worker will wait fails the item for the queue to retry later', async () => {
    fake.rateLimit(/^\/2\/users\/\d+$/, 5, 3600);
    const err = await ingestUser('2000000000000000007', { twitter_api: bearer(), max_rate_wait_seconds: 5 }, ctx()).catch((e: Error) => e);
    expect((err as Error).name).toBe('TransientApiError');
    // The next worker does not even call the API while the window is closed.
    const calls = fake.requests.length;
    const err2 = await ingestUser('2000000000000000006', { twitter_api: bearer(), max_rate_wait_seconds: 5 }, ctx()).catch((e: Error) => e);
    expect((err2 as Error).name).toBe('TransientApiError');
    expect(fake.requests.length).toBe(calls);
  });
});

describe('followers / following and housekeeping', () => {
  it('ingest_directs records follow edges both ways, through pagination', async () => {
    const r = await ingestDirects({ twitter_api: oauth(), max_results: 2 }, ctx());
    expect(r).toEqual({ followers: 4, following: 3 });
    expect(fake.requests.filter((q) => q.path.endsWith('/followers')).length).toBe(2);
    const edges = store.readDb.prepare("select count(*) as n from account_relationships where kind = 'follows'").get() as { n: number };
    expect(edges.n).toBe(7);
  });

  it('collect_empty_tweets queues each stub once; compliance tombstones tweets deleted at the source', async () => {
    await homeTimeline({ twitter_api: oauth() }, ctx()); // no queues: stubs stay stubs
    expect(await collectEmptyTweets({ tweet_id_queue: tweetQ }, ctx())).toBe(2);
    expect(await collectEmptyTweets({ tweet_id_queue: tweetQ }, ctx())).toBe(0); // cursor wrapped; dedup keeps one each
    expect((await tweetQ.stats()).ready).toBe(2);

    fake.deleteTweet('3000000000000000010');
    const before = (await store.counts()).tombstones;
    const r = await ensureTombstonesEmpty({ twitter_api: bearer(), batch: 500 }, ctx());
    expect(r.deleted).toBe(1);
    expect(post('twitter+tweet:3000000000000000010')).toMatchObject({ tombstone: 1, text: null, raw: null });
    expect((await store.counts()).tombstones).toBe(before + 1);
  });
});
