// A source added from the Sources page reaches the running ingestion: the API writes config.yml,
// the desktop app's IngestionService restarts the real topology (worker threads, SQLite) from the
// file, and the new feed worker polls a local feed server into the store. Removing the source
// stops it again. Needs out/workers/topology.js (`npm test` builds it first).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedServer } from '../../test/fakes/feed-server/server.js';
import { createSkrodeApi } from '../api/create.js';
import { ConfigSources } from '../api/sources.js';
import { openSqliteStore } from '../store/sqlite/store.js';
import { startTopology } from '../topology/run.js';
import { loadTopologyConfig } from '../topology/status.js';
import { packageRoot } from '../util/worker-entry.js';
import { IngestionService } from './ingestion.js';

const dir = mkdtempSync(join(tmpdir(), 'skrode-sources-reload-'));
const server = new FeedServer();
beforeAll(() => server.start());
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const until = async (what: string, ok: () => boolean | Promise<boolean>, ms = 30_000) => {
  const t0 = Date.now();
  while (!(await ok())) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('a source saved through the API runs in the restarted topology', () => {
  it('adds a feed worker to the running ingestion, then removes it', async () => {
    server.route('/rss', { body: readFileSync(join(packageRoot(), 'test', 'fixtures', 'feeds', 'rss2.xml')), contentType: 'application/rss+xml' });
    const db = join(dir, 'skrode.db');
    const config = join(dir, 'config.yml');
    writeFileSync(config, `# my config\nstore: !skrode/sqlite ${db}\n`);
    (await openSqliteStore(db)).close();
    const svc = new IngestionService({
      configured: () => loadTopologyConfig({ config }).config.has('workers'),
      start: () => startTopology({ config, host: 'app-test', handleSignals: false, stopTimeoutMs: 10_000, log: () => {} }),
    });
    const api = createSkrodeApi({
      store: {} as never,
      lookup: {} as never,
      posts: {} as never,
      storeInfo: { kind: 'sqlite', path: db },
      host: 'electron',
      ingest: svc,
      sources: new ConfigSources({ config, cwd: dir, dataDir: dir }),
    });
    try {
      await svc.start();
      expect(svc.current().kind).toBe('not-configured');

      const saved = await api.saveSource({ key: 'blogs', tag: 'skrode/feeds', values: { feeds: [`${server.url}/rss`], every: '10' }, create: true });
      expect(saved).toMatchObject({ ok: true });
      await until('the topology to run the new worker', () => svc.current().kind === 'running');
      const store = await openSqliteStore(db);
      try {
        await until('the feed to be polled into the store', async () => (await store.counts()).posts === 2);
      } finally {
        await store.close();
      }

      await api.removeSource({ key: 'blogs', tag: 'skrode/feeds' });
      await until('the topology to stop', () => svc.current().kind === 'not-configured');
      expect(readFileSync(config, 'utf8')).toBe(`# my config\nstore: !skrode/sqlite ${db}\n`);
    } finally {
      await svc.close({ force: true });
    }
  }, 60_000);
});
