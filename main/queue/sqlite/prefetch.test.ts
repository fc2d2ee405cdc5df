// What the SQLite adapter does beyond the shared contract to save writer round trips: a consumer
// claims ahead of its handlers (yet never runs more than its concurrency, and hands unstarted
// items back on close without using up a delivery), and pushes made together go in one call.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../store/sqlite/open.js';
import { waitFor } from '../contract.test-suite.js';
import { directExecutor, type JobsExecutor } from './executor.js';
import { SqliteJobQueue } from './sqlite-queue.js';

const dir = mkdtempSync(join(tmpdir(), 'skrode-prefetch-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const open: SqliteJobQueue[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((q) => q.close()));
});

/** A direct executor that counts the calls made through it, by method. */
function counted(): { exec: JobsExecutor; calls: Map<string, number> } {
  const path = join(dir, `p${n++}.db`);
  const inner = directExecutor(openSqlite(path), { owned: true });
  const calls = new Map<string, number>();
  const exec: JobsExecutor = {
    call: (method, ...args) => {
      calls.set(method, (calls.get(method) ?? 0) + 1);
      return inner.call(method, ...args);
    },
    close: () => inner.close(),
  };
  return { exec, calls };
}

describe('SQLite queue: prefetch and batching', () => {
  it('holds prefetched items beyond its concurrency but runs no more handlers than that; close hands the unstarted back uncounted', async () => {
    const { exec } = counted();
    const q = new SqliteJobQueue('/queue/p', exec, { prefetch: 3, pollMaxMs: 20, leaseMs: 5000 });
    open.push(q);
    await q.pushMany(Array.from({ length: 10 }, (_, i) => ({ payload: i })));
    let running = 0;
    let most = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const first: number[] = [];
    const c = q.consume(
      async (p) => {
        running++;
        most = Math.max(most, running);
        first.push(p as number);
        await gate;
        running--;
      },
      { concurrency: 2 },
    );
    await waitFor(async () => first.length === 2 && (await q.stats()).inflight === 5, 10_000, '2 running and 3 prefetched');
    await new Promise((r) => setTimeout(r, 100));
    expect(most).toBe(2);
    expect(first).toEqual([0, 1]);
    const closing = c.close({ graceMs: 10_000 });
    // The three unstarted items are back before the running ones finish.
    await waitFor(async () => (await q.stats()).ready === 8, 10_000, 'prefetched items returned');
    expect((await q.stats()).inflight).toBe(2);
    release();
    await closing;
    expect(await q.stats()).toMatchObject({ ready: 8, inflight: 0, dead: 0 });
    const attempts: number[] = [];
    const again = q.consume((_p, ctx) => void attempts.push(ctx.attempt), { concurrency: 4 });
    await waitFor(() => attempts.length === 8, 10_000, 'the other 8 items');
    await again.close();
    expect(attempts).toEqual(Array(8).fill(1));
  });

  it('sends pushes made together in few calls, each with its own result and dedup', async () => {
    const { exec, calls } = counted();
    const q = new SqliteJobQueue('/queue/p', exec);
    open.push(q);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => q.push({ i }, { dedupKey: `k${i % 40}` })));
    expect((calls.get('jobs.push') ?? 0) + (calls.get('jobs.pushMany') ?? 0)).toBeLessThanOrEqual(2);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(40);
    for (let i = 40; i < 50; i++) expect(results[i]).toEqual({ id: results[i - 40]!.id, duplicate: true });
    await expect(Promise.all([q.push({ ok: 1 }), q.push(undefined)])).rejects.toThrow(/cannot be serialized/);
    expect((await q.stats()).ready).toBe(41); // the good push beside the bad one was still stored
  });

  it('acknowledges with its next claim: a stream of items takes fewer writer calls than items', async () => {
    const { exec, calls } = counted();
    const q = new SqliteJobQueue('/queue/p', exec, { pollMaxMs: 20 });
    open.push(q);
    await q.pushMany(Array.from({ length: 200 }, (_, i) => ({ payload: i })));
    let done = 0;
    const c = q.consume(() => {}, { concurrency: 8, onDone: () => void done++ });
    await waitFor(() => done === 200, 10_000, '200 items');
    await c.close();
    const total = [...calls.entries()].filter(([m]) => m !== 'jobs.pushMany').reduce((s, [, k]) => s + k, 0);
    expect(total).toBeLessThan(100);
    expect(await q.stats()).toMatchObject({ ready: 0, inflight: 0, dead: 0 });
  });
});
