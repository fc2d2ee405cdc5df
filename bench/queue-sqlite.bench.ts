// queue-sqlite: items per second end to end through the single-user JobQueue (push each item,
// a consumer claims it under a lease, runs a no-op handler, acknowledges) against a baseline of
// plain autocommitted INSERT + DELETE of the same rows on the same SQLite file. Target: ratio
// >= 0.5. Producers (16, each awaiting its push before the next, as the handlers of an upstream
// map worker with concurrency 16 would) and a consumer (concurrency 16) run together.
// The RESULT is the queue as `skrode topology run` deploys it: every jobs.* call goes through a
// writer relay (main/topology/writer-relay.ts, a MessagePort hop, as from a worker thread) to the
// store's SQLite writer thread, which owns the only write connection. Here the relay's two ends
// share this thread, which adds its work to the consumer's instead of giving it a thread of its
// own as in a topology. Extra figures: the app's path (writer thread, no relay) and a
// connection of the queue's own (what tests use).
import { join } from 'node:path';
import { runBench } from './lib.js';
import { openSqlite } from '../main/store/sqlite/open.js';
import { directExecutor, writerExecutor, type JobsExecutor } from '../main/queue/sqlite/executor.js';
import { SqliteJobQueue } from '../main/queue/sqlite/sqlite-queue.js';
import { SqliteStore } from '../main/store/sqlite/store.js';
import { WriterRelayClient, WriterRelayHost } from '../main/topology/writer-relay.js';

async function endToEnd(exec: JobsExecutor, n: number, concurrency: number, window: number): Promise<number> {
  const q = new SqliteJobQueue('/queue/bench', exec, { pollMaxMs: 5 });
  let done = 0;
  let resolveAll!: () => void;
  const all = new Promise<void>((r) => (resolveAll = r));
  const t0 = performance.now();
  // An item counts once its acknowledgement is committed (onDone), not when its handler ran.
  const consumer = q.consume(() => {}, {
    concurrency,
    onDone: () => {
      if (++done === n) resolveAll();
    },
  });
  // `window` producers, each pushing its next item once its previous push is committed.
  let next = 0;
  const producer = async () => {
    while (next < n) await q.push({ n: next++, text: 'x'.repeat(40) });
  };
  await Promise.all(Array.from({ length: window }, producer));
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
  const concurrency = 16;
  const producers = 16;
  // The store's writer thread owns the file; the baseline and the own-connection runs open
  // connections of their own on the same file (WAL), one at a time.
  const store = await SqliteStore.open(path);
  const relayHost = new WriterRelayHost(store.writer);
  const relay = new WriterRelayClient(relayHost.connect());
  // Warm-up, then alternate so all sides see the same machine load.
  baseline(path, 200);
  await endToEnd(writerExecutor(relay), 500, concurrency, producers);
  const runs = { base: [] as number[], deployed: [] as number[], oneProducer: [] as number[], writerOnly: [] as number[], direct: [] as number[] };
  for (let round = 0; round < 2; round++) {
    runs.base.push(baseline(path, n));
    runs.deployed.push(await endToEnd(writerExecutor(relay), n, concurrency, producers));
    runs.oneProducer.push(await endToEnd(writerExecutor(relay), n, concurrency, 1));
    runs.writerOnly.push(await endToEnd(writerExecutor(store.writer), n, concurrency, producers));
    runs.direct.push(await endToEnd(directExecutor(openSqlite(path), { owned: true }), n, concurrency, producers));
    log(`round ${round + 1}: ${Object.entries(runs).map(([k, v]) => `${k} ${v.at(-1)!.toFixed(0)}/s`).join(', ')}`);
  }
  await relay.close();
  relayHost.close();
  await store.close();
  const best = (v: number[]) => Math.max(...v);
  const b = best(runs.base);
  return {
    value: best(runs.deployed),
    baseline: b,
    unit: 'items/s',
    extra: {
      items: n,
      concurrency,
      'producers (each awaits its push)': producers,
      'relay + writer thread, one producer (items/s)': best(runs.oneProducer),
      'relay + writer thread, one producer / baseline': best(runs.oneProducer) / b,
      'writer thread without the relay, the app (items/s)': best(runs.writerOnly),
      'writer thread without the relay / baseline': best(runs.writerOnly) / b,
      'own connection (items/s)': best(runs.direct),
      'own connection / baseline': best(runs.direct) / b,
    },
  };
});
