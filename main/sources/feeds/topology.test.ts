import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedServer } from '../../../test/fakes/feed-server/server.js';
import { loadConfigText } from '../../config/index.js';
import { openSqliteStore } from '../../store/sqlite/store.js';
import { resolveTarget } from '../../topology/targets.js';
import type { WorkerContext } from '../../topology/context.js';

const dir = mkdtempSync(join(tmpdir(), 'skrode-feeds-topology-'));
const server = new FeedServer();
beforeAll(() => server.start());
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('feeds:poll_feeds periodic worker', () => {
  it('is found by its target name and polls the configured feeds into the store', async () => {
    server.route('/rss', { body: readFileSync(join(import.meta.dirname, '../../../test/fixtures/feeds/rss2.xml')), contentType: 'application/rss+xml' });
    const config = loadConfigText(`feeds:\n  type: periodic\n  every: 60\n  target: feeds:poll_feeds\n  feeds: ["${server.url}/rss"]\n`, { dataDir: dir });
    const store = await openSqliteStore(join(dir, 'w.db'));
    const logs: string[] = [];
    const ctx: WorkerContext = { worker: 'feeds', replica: 0, host: 'test', signal: new AbortController().signal, log: (m) => void logs.push(m), config, store: async () => store };
    try {
      const fn = (await resolveTarget('feeds:poll_feeds', dir)) as (args: Record<string, unknown>, ctx: WorkerContext) => Promise<void>;
      await fn({ feeds: [`${server.url}/rss`] }, ctx);
      expect(logs.at(-1)).toMatch(/^feeds: 1 updated, 0 unchanged, 0 failed, 0 not due; \d+ observations$/);
      expect((await store.counts()).posts).toBe(2);
      await fn({ feeds: [`${server.url}/rss`] }, ctx);
      expect(logs.at(-1)).toMatch(/0 updated, 0 unchanged, 0 failed, 1 not due/);
      await expect(fn({ feeds: 'nope' }, ctx)).rejects.toThrow(/feeds must be a list of URLs/);
    } finally {
      await store.close();
    }
  });
});
