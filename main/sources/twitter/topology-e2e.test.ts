// The seed README's topology (examples/twitter-topology.yml) run end to end, as `skrode topology
// run` runs it: worker threads, Redis queues, the PostgreSQL store, and the real twitter-api-v2
// client talking to the local fake X API. Only the API address, a Redis key prefix and the
// store's schema are changed, so the test shares nothing with other tests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { loadConfig } from '../../config/index.js';
import { openQueue } from '../../queue/open.js';
import { openStore } from '../../store/from-config.js';
import { dropSchema, randomSchema } from '../../store/postgres/testing.js';
import { startTopology, type RunningTopology } from '../../topology/run.js';
import { packageRoot } from '../../util/worker-entry.js';
import { PG_URL, postgresAvailable, redisAvailable, REDIS_URL } from '../../../test/services.js';
import { FakeXApi } from '../../../test/fakes/x-api/server.js';

const services = (await postgresAvailable()) && (await redisAvailable());
const built = existsSync(join(packageRoot(), 'out', 'workers', 'topology.js'));
if (!built) process.stderr.write('\n*** out/workers/topology.js is missing: run `npm run build` (npm test does) ***\n');

describe.runIf(services)('examples/twitter-topology.yml against the fake X API', () => {
  let tmp: string;
  let fake: FakeXApi;
  const schema = randomSchema('skrode_xe2e');
  const prefix = `skrode-xe2e-${Math.random().toString(36).slice(2, 10)}:`;
  let configPath: string;
  let running: RunningTopology | undefined;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'skrode-xe2e-'));
    fake = new FakeXApi();
    await fake.start();
    const example = readFileSync(join(packageRoot(), 'examples', 'twitter-topology.yml'), 'utf8');
    const pg = new URL(PG_URL);
    const text = example
      .replace('  !skrode/twitter\n', `  !skrode/twitter\n  base_url: ${fake.url}\n`)
      .replace(/ {2}!skrode\/sql\n( {2}[a-z_]+: .*\n)+/, `  !skrode/sql\n  url: ${pg.href}\n  schema: ${schema}\n`)
      .replace(/ {2}!skrode\/redis\n( {2}[a-z_]+: .*\n)+/, `  !skrode/redis\n  url: ${REDIS_URL}\n  prefix: ${JSON.stringify(prefix)}\n`);
    expect(text).toContain(`base_url: ${fake.url}`);
    expect(text).toContain(`schema: ${schema}`);
    expect(text).toContain(`prefix: ${JSON.stringify(prefix)}`);
    configPath = join(tmp, 'config.yml');
    writeFileSync(configPath, text);
    Object.assign(process.env, { SKRODE_X_CONSUMER_KEY: 'fake-consumer-key', SKRODE_X_CONSUMER_SECRET: 'SECRET-cs-123', SKRODE_X_ACCESS_TOKEN: 'at', SKRODE_X_ACCESS_SECRET: 'SECRET-as-456' });
  });

  afterAll(async () => {
    await running?.stop({ force: true }).catch(() => {});
    await fake.stop();
    await dropSchema(schema).catch(() => {});
    const r = new Redis(REDIS_URL);
    const keys = await r.keys(`${prefix}*`);
    if (keys.length) await r.del(...keys);
    await r.quit();
    rmSync(tmp, { recursive: true, force: true });
  });

  it.runIf(built)('the three workers ingest the timeline, the friends and tweets by id; deleted tweets become tombstones', async () => {
    const logs: string[] = [];
    running = await startTopology({ config: configPath, host: 'e2e', log: (l) => logs.push(l), stopTimeoutMs: 10_000 });
    const config = loadConfig({ config: configPath });
    const store = await openStore(config.store());
    // Another producer puts a tweet id on the tweet queue: a reply whose parent was deleted.
    const q = await openQueue(config.queue('tweet_id_queue'), { store: config.store() });
    await q.push('3000000000000000015', { dedupKey: 'tweet:3000000000000000015' });
    await q.close();
    try {
      const want = async () => {
        const c = await store.counts();
        const p = await store.person('twitter+user:2000000000000000007');
        const named = JSON.stringify(p ?? {}).includes('Edsger Dijkstra');
        return c.posts >= 9 && c.tombstones >= 1 && named;
      };
      const deadline = Date.now() + 40_000;
      while (!(await want()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      const counts = await store.counts();
      expect(counts.tombstones, logs.join('\n')).toBe(1); // 3000000000000000021, the deleted parent
      expect(counts.posts).toBeGreaterThanOrEqual(9);
      // ingest_user fetched the friends the home timeline queued (Edsger is only a friend, never in the timeline).
      expect(JSON.stringify(await store.person('twitter+user:2000000000000000007'))).toContain('@ewd');
      expect(fake.requests.some((r) => r.path === '/2/users/1000000000000000001/timelines/reverse_chronological')).toBe(true);
      expect(fake.requests.some((r) => r.path === '/2/tweets/3000000000000000021')).toBe(true);
      expect(fake.requests.every((r) => r.auth === 'oauth1')).toBe(true);
      expect(logs.join('\n')).not.toContain('SECRET-');
    } finally {
      await running.stop();
      await running.finished;
      await store.close();
    }
    expect(running.supervisor.status().every((s) => s.state !== 'running')).toBe(true);
  }, 90_000);
});
