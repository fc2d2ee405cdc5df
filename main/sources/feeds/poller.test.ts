import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FeedServer } from '../../../test/fakes/feed-server/server.js';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/store.js';
import type { ImportProblem } from '../importer.js';
import { fetchFeed } from './fetch.js';
import { importOpml } from './opml-importer.js';
import { FeedPoller } from './poller.js';
import { addSubscriptions, loadFeedState, loadSubscriptions } from './subscriptions.js';

const FIX = join(import.meta.dirname, '../../../test/fixtures/feeds');
const fixture = (f: string) => readFileSync(join(FIX, f));
const dir = mkdtempSync(join(tmpdir(), 'skrode-feeds-'));
const server = new FeedServer();
beforeAll(async () => {
  await server.start();
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

let n = 0;
describe('feed poller against a local HTTP server', () => {
  let store: SqliteStore;
  let now = 1_800_000_000_000;
  const problems: { feed: string; reason: string }[] = [];
  const poller = (extra: Partial<ConstructorParameters<typeof FeedPoller>[0]> = {}) =>
    new FeedPoller({ store, now: () => now, random: () => 0.5, intervalMs: 3600_000, retryMs: 60_000, onProblem: (p) => void problems.push(p), fetch: { timeoutMs: 2000 }, ...extra });

  beforeEach(async () => {
    store = await openSqliteStore(join(dir, `p${n++}.db`));
    server.routes.clear();
    server.log.length = 0;
    problems.length = 0;
    return () => store.close();
  });

  it('polls Atom, RSS, RDF and JSON feeds; 304s after; one broken feed does not stop the others', async () => {
    server
      .route('/atom', { body: fixture('atom.xml'), contentType: 'application/atom+xml', etag: '"a1"' })
      .route('/rss', { body: fixture('rss2.xml'), contentType: 'application/rss+xml; charset=utf-8', lastModified: 'Mon, 05 Jan 2026 10:00:00 GMT', gzip: true })
      .route('/rdf', { body: fixture('rdf.xml'), contentType: 'application/rdf+xml' })
      .route('/json', { body: fixture('feed.json'), contentType: 'application/feed+json' })
      .route('/broken', { status: 500, body: 'oops', headers: { 'retry-after': '7200' } })
      .route('/missing', { status: 404 })
      .route('/html', { body: fixture('not-a-feed.html'), contentType: 'text/html' });
    const urls = ['/atom', '/rss', '/rdf', '/json', '/broken', '/missing', '/html'].map((p) => `${server.url}${p}`);
    await addSubscriptions(store, urls.map((url) => ({ url, folder: [] })));

    const r1 = await poller().pollDue();
    const by = Object.fromEntries(r1.feeds.map((f) => [f.url.slice(server.url.length), f]));
    expect(by['/atom']).toMatchObject({ outcome: 'ok', entries: 2 });
    expect(by['/rss']).toMatchObject({ outcome: 'ok', entries: 2 });
    expect(by['/rdf']).toMatchObject({ outcome: 'ok', entries: 1 });
    expect(by['/json']).toMatchObject({ outcome: 'ok', entries: 2 });
    expect(by['/broken']).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/HTTP 500/) });
    expect(by['/missing']).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/HTTP 404/) });
    expect(by['/html']).toMatchObject({ outcome: 'failed', error: expect.stringMatching(/not a feed/) });
    expect(server.hits('/rss')[0]!.headers['accept-encoding']).toMatch(/gzip/);
    const counts = await store.counts();
    expect(counts.posts).toBe(7);
    expect(counts.evidence).toBeGreaterThan(0);
    const ada = await store.person('feed+author:https://ada.example.org/about');
    expect(ada).not.toBeNull();

    // Backoff: Retry-After (2 h) beats the 1-minute first retry; 404 waits at least 6 h.
    const broken = await loadFeedState(store, `${server.url}/broken`);
    expect(broken).toMatchObject({ failures: 1, lastError: expect.stringMatching(/HTTP 500/) });
    expect(broken.nextPollAt - now).toBe(7200_000);
    expect((await loadFeedState(store, `${server.url}/missing`)).nextPollAt - now).toBe(6 * 3600_000);

    now += 30_000; // nothing is due half a minute later
    const r2 = await poller().pollDue();
    expect(r2.feeds.every((f) => f.outcome === 'not-due')).toBe(true);

    // Two hours later: conditional GETs answer 304 and change nothing.
    now += 2 * 3600_000;
    server.log.length = 0;
    const r3 = await poller().pollDue();
    const by3 = Object.fromEntries(r3.feeds.map((f) => [f.url.slice(server.url.length), f]));
    expect(by3['/atom']!.outcome).toBe('not-modified');
    expect(by3['/rss']!.outcome).toBe('not-modified');
    expect(server.hits('/atom')[0]!.headers['if-none-match']).toBe('"a1"');
    expect(server.hits('/rss')[0]!.headers['if-modified-since']).toBe('Mon, 05 Jan 2026 10:00:00 GMT');
    expect(by3['/rdf']!.outcome).toBe('ok'); // no validators: fetched again, idempotent
    expect(by3['/broken']!.outcome).toBe('failed');
    expect((await loadFeedState(store, `${server.url}/broken`)).failures).toBe(2);
    expect(await store.counts()).toEqual(counts);
  });

  it('follows redirects; a permanent move is remembered, entries keep their ids', async () => {
    server.route('/old', { redirect: '/new', status: 301 }).route('/new', { body: fixture('rss2.xml'), contentType: 'application/rss+xml' }).route('/tmp', { redirect: '/new', status: 302 });
    const old = `${server.url}/old`;
    await addSubscriptions(store, [{ url: old, folder: [] }, { url: `${server.url}/tmp`, folder: [] }]);
    const r = await poller().pollDue();
    expect(r.feeds.map((f) => f.outcome)).toEqual(['ok', 'ok']);
    expect((await loadFeedState(store, old)).movedTo).toBe(`${server.url}/new`);
    expect((await loadFeedState(store, `${server.url}/tmp`)).movedTo).toBeUndefined();
    server.log.length = 0;
    await poller().pollDue(true);
    expect(server.hits('/old')).toHaveLength(0);
    expect(await store.person(`feed+feed:${old}`)).not.toBeNull();
  });

  it('wrong charsets and entity bombs are read safely, with problems reported', async () => {
    server
      .route('/latin', { body: fixture('latin1-declared-utf8.xml'), contentType: 'application/rss+xml; charset=utf-8' })
      .route('/lol', { body: fixture('lol.xml'), contentType: 'application/rss+xml' });
    await addSubscriptions(store, [{ url: `${server.url}/latin`, folder: [] }, { url: `${server.url}/lol`, folder: [] }]);
    const r = await poller().pollDue();
    expect(r.feeds.map((f) => f.outcome)).toEqual(['ok', 'ok']);
    expect(problems).toContainEqual({ feed: `${server.url}/latin`, reason: expect.stringMatching(/not valid UTF-8/) });
    expect(problems).toContainEqual({ feed: `${server.url}/lol`, reason: expect.stringMatching(/never expanded/) });
    const feed = await store.person(`feed+feed:${server.url}/latin`);
    const names = feed?.kind === 'persona' ? feed.persona.names : [];
    expect(names).toContain('Café Latin');
  });

  it('caps the body size and times out slow servers, per feed', async () => {
    server.route('/big', { body: Buffer.alloc(300_000, 'a'), contentType: 'application/rss+xml' }).route('/slow', { body: fixture('rss2.xml'), delayMs: 3000 });
    await expect(fetchFeed(`${server.url}/big`, {}, { maxBytes: 100_000 })).rejects.toThrow(/over the 100000-byte limit/);
    await expect(fetchFeed(`${server.url}/slow`, {}, { timeoutMs: 300 })).rejects.toThrow();
  });

  it('OPML import saves the subscriptions the poller then reads; folders become lists', async () => {
    const problemsSeen: ImportProblem[] = [];
    const s = await importOpml(join(FIX, 'subscriptions.opml'), { store, problem: (p) => void problemsSeen.push(p), progress: () => {} });
    expect(s.counts).toEqual({ feeds: 3, newSubscriptions: 3 });
    expect(problemsSeen).toHaveLength(1);
    expect((await loadSubscriptions(store)).map((x) => x.url)).toEqual(['https://ada.example.org/feed.atom', 'https://engines.example/rss', 'https://json.example/feed.json']);
    const c = await store.counts();
    expect(c.lists).toBe(2);
    await importOpml(join(FIX, 'subscriptions.opml'), { store, problem: () => {}, progress: () => {} });
    expect(await store.counts()).toEqual(c);
    expect(await new FeedPoller({ store, extraFeeds: ['https://extra.example/feed'] }).subscriptions()).toHaveLength(4);
  });
});
