// queue-redis: items per second end to end through the multi-host JobQueue (BullMQ: push, a
// consumer takes the item under a lock, runs a no-op handler, completes it) against a baseline
// raw reliable-queue loop on the same Redis: LPUSH by a producer, BLMOVE ready->processing and
// LREM by a consumer. Target: ratio >= 0.5. Both sides push in pipelined chunks of 100 while the
// consumer runs; the JobQueue consumer uses its normal concurrency (16), the raw loop one
// connection doing BLMOVE+LREM back to back. Uses the Redis at SKRODE_TEST_REDIS (default
// 127.0.0.1:6379) under a random key prefix, removed afterwards.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { runBench } from './lib.js';
import { RedisJobQueue } from '../main/queue/redis/bullmq-queue.js';
import { deleteRedisPrefix, REDIS_URL } from '../test/services.js';

const CHUNK = 100;
const payload = (i: number) => ({ n: i, text: 'x'.repeat(40) });

async function queueRun(prefix: string, n: number, concurrency: number): Promise<number> {
  const q = new RedisJobQueue(`/queue/bench-${randomBytes(3).toString('hex')}`, { url: REDIS_URL }, { prefix });
  let done = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  await q.stats(); // connect before the clock starts
  const t0 = performance.now();
  const consumer = q.consume(
    () => {
      if (++done === n) resolveAll();
    },
    { concurrency },
  );
  for (let i = 0; i < n; i += CHUNK) await q.pushMany(Array.from({ length: Math.min(CHUNK, n - i) }, (_, k) => ({ payload: payload(i + k) })));
  await all;
  const secs = (performance.now() - t0) / 1000;
  await consumer.close();
  await q.close();
  return n / secs;
}

async function rawRun(prefix: string, n: number): Promise<number> {
  const producer = new Redis(REDIS_URL);
  const consumer = new Redis(REDIS_URL);
  const ready = `${prefix}:raw:ready`;
  const processing = `${prefix}:raw:processing`;
  await Promise.all([producer.ping(), consumer.ping()]);
  const t0 = performance.now();
  const producing = (async () => {
    for (let i = 0; i < n; i += CHUNK) {
      const p = producer.pipeline();
      for (let k = i; k < Math.min(n, i + CHUNK); k++) p.lpush(ready, JSON.stringify(payload(k)));
      await p.exec();
    }
  })();
  for (let got = 0; got < n; got++) {
    const msg = await consumer.blmove(ready, processing, 'RIGHT', 'LEFT', 5);
    if (msg === null) throw new Error('raw loop: nothing arrived in 5 s');
    JSON.parse(msg);
    await consumer.lrem(processing, 1, msg);
  }
  await producing;
  const secs = (performance.now() - t0) / 1000;
  await producer.del(ready, processing);
  producer.disconnect();
  consumer.disconnect();
  return n / secs;
}

async function cleanup(prefix: string): Promise<void> {
  await deleteRedisPrefix(prefix);
}

await runBench('queue-redis', async ({ scale, log }) => {
  const n = Math.max(2000, Math.round(50_000 * scale));
  const prefix = `skrode-bench-${randomBytes(4).toString('hex')}`;
  const concurrency = 16;
  try {
    await rawRun(prefix, 200);
    const raw: number[] = [];
    const queue: number[] = [];
    for (let round = 0; round < 2; round++) {
      raw.push(await rawRun(prefix, n));
      queue.push(await queueRun(prefix, n, concurrency));
      log(`round ${round + 1}: raw ${raw.at(-1)!.toFixed(0)}/s, BullMQ queue ${queue.at(-1)!.toFixed(0)}/s`);
    }
    const single = await queueRun(prefix, Math.min(n, 5000), 1);
    return { value: Math.max(...queue), baseline: Math.max(...raw), unit: 'items/s', extra: { items: n, concurrency, 'queue with concurrency 1 (items/s)': single } };
  } finally {
    await cleanup(prefix);
  }
});
