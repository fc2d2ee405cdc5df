// topology-scale: items per second through a running topology (supervisor + worker threads, the
// multi-host Redis queue) with 1, 2 and 4 replicas of a map worker whose handler is CPU-light
// (demo:spin, ~20 SHA-256 rounds per item), each replica taking one item at a time. The queue is
// filled first; throughput is measured from the first claim to the queue running dry, so thread
// start-up is not counted. RESULT: value = 4 workers, baseline = 1 worker, ratio = the scaling
// factor (on the 2-core build machines, expect well under 4). Uses the Redis at
// SKRODE_TEST_REDIS (default 127.0.0.1:6379) under a random prefix, removed afterwards.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBench } from './lib.js';
import { RedisJobQueue } from '../main/queue/redis/bullmq-queue.js';
import { startTopology } from '../main/topology/run.js';
import { deleteRedisPrefix, REDIS_URL } from '../test/services.js';

async function throughput(dir: string, prefix: string, workers: number, items: number, log: (m: string) => void): Promise<number> {
  const key = `/queue/scale-${workers}`;
  const u = new URL(REDIS_URL);
  const config = join(dir, `scale-${workers}.yml`);
  writeFileSync(
    config,
    `redis: &redis !skrode/redis {host: ${u.hostname}, port: ${u.port || 6379}, prefix: ${prefix}}
store: !skrode/sqlite ${join(dir, 'unused.db')}
q: &q !skrode/queue {conn: *redis, key: ${key}}
spin: {type: map, target: "demo:spin", source: *q, rounds: 20}
workers: [${Array(workers).fill('spin').join(', ')}]
`,
  );
  const q = new RedisJobQueue(key, { url: REDIS_URL }, { prefix });
  for (let i = 0; i < items; i += 500) await q.pushMany(Array.from({ length: Math.min(500, items - i) }, (_, k) => ({ payload: { n: i + k } })));
  const run = await startTopology({ config, host: 'bench', log: () => {} });
  let tFirst = 0;
  for (;;) {
    const s = await q.stats();
    if (!tFirst && s.ready < items) tFirst = performance.now();
    if (tFirst && s.ready + s.inflight + s.delayed === 0) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const secs = (performance.now() - tFirst) / 1000;
  await run.stop();
  await run.finished;
  await q.close();
  const rate = items / secs;
  log(`${workers} worker(s): ${rate.toFixed(0)} items/s`);
  return rate;
}

await runBench('topology-scale', async ({ scale, dir, log }) => {
  const items = Math.max(3000, Math.round(30_000 * scale));
  const prefix = `skrode-bench-${randomBytes(4).toString('hex')}`;
  try {
    const one = await throughput(dir, prefix, 1, items, log);
    const two = await throughput(dir, prefix, 2, items, log);
    const four = await throughput(dir, prefix, 4, items, log);
    return { value: four, baseline: one, unit: 'items/s', extra: { items, '1 worker (items/s)': one, '2 workers (items/s)': two, '4 workers (items/s)': four, 'scaling 2/1': two / one, 'scaling 4/1': four / one } };
  } finally {
    await deleteRedisPrefix(prefix);
  }
});
