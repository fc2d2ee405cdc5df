// queue-sqlite: items per second end to end through the single-user JobQueue (push each item,
// a consumer claims it under a lease, runs a no-op handler, acknowledges) against a baseline of
// plain autocommitted INSERT + DELETE of the same rows on the same SQLite file. Target: ratio
// >= 0.5. Producer and consumer run together, as in a topology; the queue's SQL runs on a
// connection of this thread (the topology's worker-thread path). The same run through the
// writer thread (the app's path) is printed as an extra figure.
import { join } from 'node:path';
import { runBench } from './lib.js';
import { openSqlite } from '../main/store/sqlite/open.js';
import { directExecutor, writerExecutor, type JobsExecutor } from '../main/queue/sqlite/executor.js';
import { SqliteJobQueue } from '../main/queue/sqlite/sqlite-queue.js';
import { SqliteStore } from '../main/store/sqlite/store.js';

async function endToEnd(exec: JobsExecutor, n: number, concurrency: number): Promise<number> {
  const q = new SqliteJobQueue('/queue/bench', exec, { pollMaxMs: 5 });
  let done = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const t0 = performance.now();
  const consumer = q.consume(
    () => {
      if (++done === n) resolveAll();
    },
    { concurrency },
  );
  for (let i = 0; i < n; i++) await q.push({ n: i, text: 'x'.repeat(40) });
  await all;
  const secs = (performance.now() - t0) / 1000;
  await consumer.close();
  return n / secs;
}

function baseline(path: string, n: number): number {
  const db = openSqlite(path);
  const ins = db.prepare(`insert into jobs (queue, payload, state, attempts, max_attempts, available_at, created_at, updated_at) values (?, ?, 'ready', 0, 5, ?, ?, ?)`);
  const del = db.prepare('delete from jobs where id = ?');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const now = Date.now();
    const id = ins.run('/queue/base', JSON.stringify({ n: i, text: 'x'.repeat(40) }), now, now, now).lastInsertRowid;
    del.run(id);
  }
  const secs = (performance.now() - t0) / 1000;
  db.close();
  return n / secs;
}

await runBench('queue-sqlite', async ({ scale, dir, log }) => {
  const n = Math.max(2000, Math.round(50_000 * scale));
  const path = join(dir, 'queue.db');
  openSqlite(path).close();
  const concurrency = 16;
  // Warm-up, then alternate so both sides see the same machine load.
  baseline(path, 200);
  const base: number[] = [];
  const direct: number[] = [];
  for (let round = 0; round < 2; round++) {
    base.push(baseline(path, n));
    direct.push(await endToEnd(directExecutor(openSqlite(path), { owned: true }), n, concurrency));
    log(`round ${round + 1}: baseline ${base.at(-1)!.toFixed(0)}/s, queue ${direct.at(-1)!.toFixed(0)}/s`);
  }
  const store = await SqliteStore.open(join(dir, 'writer.db'));
  const viaWriter = await endToEnd(writerExecutor(store.writer), n, concurrency);
  await store.close();
  return {
    value: Math.max(...direct),
    baseline: Math.max(...base),
    unit: 'items/s',
    extra: { items: n, concurrency, 'through the writer thread (items/s)': viaWriter, 'through the writer thread / baseline': viaWriter / Math.max(...base) },
  };
});
