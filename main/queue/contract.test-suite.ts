// The JobQueue contract: one suite, run against every adapter (sqlite/sqlite-queue.test.ts and
// redis/bullmq-queue.test.ts). Each test gets a fresh, isolated queue from the factory.

import { afterEach, describe, expect, it } from 'vitest';
import { PermanentJobError, type Consumer, type JobContext, type JobQueue, type QueueOptions } from './port.js';

/** A fresh isolated queue; with `sameAs`, another handle on that queue (other options). */
export type QueueFactory = (options: Partial<QueueOptions>, sameAs?: JobQueue) => Promise<JobQueue>;

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const fast: Partial<QueueOptions> = { leaseMs: 1000, backoffMs: 30, backoffMaxMs: 200, maxAttempts: 3 };

export function jobQueueContract(name: string, factory: QueueFactory): void {
  describe(`JobQueue contract: ${name}`, () => {
    const open: JobQueue[] = [];
    const consumers: Consumer[] = [];
    async function make(o: Partial<QueueOptions> = {}, sameAs?: JobQueue) {
      const q = await factory({ ...fast, ...o }, sameAs);
      open.push(q);
      return q;
    }
    afterEach(async () => {
      await Promise.all(consumers.splice(0).map((c) => c.close({ graceMs: 100 }).catch(() => {})));
      await Promise.all(open.splice(0).map((q) => q.close().catch(() => {})));
    });

    it('delivers every item once to competing consumers, payload intact', async () => {
      const q = await make();
      const seen: unknown[] = [];
      const payloads = Array.from({ length: 60 }, (_, i) => ({ n: i, text: `ünï ${i}`, nested: { ok: i % 2 === 0 } }));
      for (const p of payloads.slice(0, 30)) await q.push(p);
      await q.pushMany(payloads.slice(30).map((payload) => ({ payload })));
      for (let i = 0; i < 2; i++) consumers.push(q.consume(async (p) => void seen.push(p), { concurrency: 3 }));
      await waitFor(() => seen.length >= 60, 15_000, '60 items');
      await new Promise((r) => setTimeout(r, 200));
      expect(seen).toHaveLength(60);
      expect([...seen].sort((a, b) => (a as { n: number }).n - (b as { n: number }).n)).toEqual(payloads);
      await waitFor(async () => (await q.stats()).inflight === 0, 5000, 'acks');
      expect(await q.stats()).toMatchObject({ ready: 0, inflight: 0, dead: 0, delayed: 0 });
    });

    it('does not duplicate a push with the same dedup key', async () => {
      const q = await make();
      const a = await q.push({ id: 1 }, { dedupKey: 'twitter+user:1' });
      const b = await q.push({ id: 1, again: true }, { dedupKey: 'twitter+user:1' });
      const c = await q.push({ id: 2 }, { dedupKey: 'twitter+user:2' });
      expect(a.duplicate).toBe(false);
      expect(b).toEqual({ id: a.id, duplicate: true });
      expect(c.id).not.toBe(a.id);
      const many = await q.pushMany([{ payload: 3, dedupKey: 'k3' }, { payload: 1, dedupKey: 'twitter+user:1' }]);
      expect(many.map((r) => r.duplicate)).toEqual([false, true]);
      expect((await q.stats()).ready).toBe(3);
      const seen: unknown[] = [];
      consumers.push(q.consume(async (p) => void seen.push(p)));
      await waitFor(() => seen.length === 3, 10_000, '3 items');
      expect(seen).toContainEqual({ id: 1 });
      expect(seen).not.toContainEqual({ id: 1, again: true });
    });

    it('retries a failing item with growing delays, then dead-letters it; requeue delivers it again', async () => {
      const q = await make({ maxAttempts: 3, backoffMs: 100, backoffMaxMs: 1000 });
      const attempts: { attempt: number; at: number }[] = [];
      let heal = false;
      const outcomes: string[] = [];
      consumers.push(
        q.consume(
          async (_p, ctx) => {
            attempts.push({ attempt: ctx.attempt, at: Date.now() });
            if (!heal) throw new Error('remote said no');
          },
          { onFailed: (_c, _e, outcome) => outcomes.push(outcome) },
        ),
      );
      await q.push({ flaky: true });
      await waitFor(async () => (await q.stats()).dead === 1, 15_000, 'dead letter');
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      // Exponential with equal jitter: 2nd wait >= 50 ms (half of 100), 3rd >= 100 ms (half of 200).
      expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(45);
      expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(95);
      await waitFor(() => outcomes.length === 3, 5000, 'failure callbacks');
      expect(outcomes).toEqual(['retry', 'retry', 'dead']);
      const dead = await q.listDead();
      expect(dead).toHaveLength(1);
      expect(dead[0]!.payload).toEqual({ flaky: true });
      expect(dead[0]!.lastError).toContain('remote said no');
      expect(dead[0]!.attempts).toBe(3);
      heal = true;
      expect(await q.requeueDead([dead[0]!.id])).toBe(1);
      await waitFor(async () => {
        const s = await q.stats();
        return s.dead === 0 && s.ready === 0 && s.inflight === 0 && s.delayed === 0;
      }, 10_000, 'requeued item done');
      expect(attempts.at(-1)!.attempt).toBe(1);
    });

    it('dead-letters an input known to be bad at once, without retries', async () => {
      const q = await make({ maxAttempts: 5 });
      let calls = 0;
      consumers.push(
        q.consume(async () => {
          calls++;
          throw new PermanentJobError('not a user id: "x"');
        }),
      );
      await q.push('x');
      await waitFor(async () => (await q.stats()).dead === 1, 10_000, 'dead letter');
      await new Promise((r) => setTimeout(r, 300));
      expect(calls).toBe(1);
      const [d] = await q.listDead();
      expect(d!.lastError).toContain('not a user id');
    });

    it('keeps other items flowing past a poison item', async () => {
      const q = await make({ maxAttempts: 3 });
      const done = new Set<number>();
      let poisonCalls = 0;
      consumers.push(
        q.consume(
          async (p) => {
            const n = (p as { n: number }).n;
            if (n === 0) {
              poisonCalls++;
              throw new Error('poison');
            }
            done.add(n);
          },
          { concurrency: 2 },
        ),
      );
      await q.pushMany(Array.from({ length: 31 }, (_, n) => ({ payload: { n } })));
      await waitFor(async () => done.size === 30 && (await q.stats()).dead === 1, 15_000, 'flow past poison');
      expect(poisonCalls).toBe(3);
      expect((await q.listDead()).map((d) => d.payload)).toEqual([{ n: 0 }]);
    });

    it('delivers again an item whose consumer died, once its lease expires', async () => {
      const q = await make({ leaseMs: 800, maxAttempts: 5 });
      let started = false;
      const dying = q.consume(async () => {
        started = true;
        await new Promise(() => {}); // hangs: the process is about to be "killed"
      });
      await q.push({ survive: 1 });
      await waitFor(() => started, 10_000, 'first delivery');
      expect((await q.stats()).inflight).toBe(1);
      await dying.abandon();
      const t0 = Date.now();
      const seen: JobContext[] = [];
      consumers.push(q.consume(async (_p, ctx) => void seen.push({ ...ctx })));
      await waitFor(() => seen.length === 1, 15_000, 'redelivery');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(200); // not before the lease lapsed
      expect(seen[0]!.attempt).toBe(2);
      await waitFor(async () => (await q.stats()).inflight === 0, 5000, 'ack');
      expect(await q.stats()).toMatchObject({ ready: 0, inflight: 0, dead: 0 });
    });

    it('dead-letters an item whose consumers keep dying', async () => {
      const q = await make({ leaseMs: 600, maxAttempts: 2 });
      for (let round = 0; round < 2; round++) {
        let started = false;
        const c = q.consume(async () => {
          started = true;
          await new Promise(() => {});
        });
        if (round === 0) await q.push({ killer: true });
        await waitFor(() => started, 15_000, `delivery ${round + 1}`);
        await c.abandon();
      }
      let third = false;
      consumers.push(q.consume(async () => void (third = true)));
      await waitFor(async () => (await q.stats()).dead === 1, 15_000, 'dead letter after dying consumers');
      expect(third).toBe(false);
      expect((await q.listDead())[0]!.payload).toEqual({ killer: true });
    });

    it('closes gracefully: the item in hand is finished, not lost or redelivered', async () => {
      const q = await make();
      const finished: number[] = [];
      let inHand = false;
      const c = q.consume(async (p) => {
        inHand = true;
        await new Promise((r) => setTimeout(r, 400));
        finished.push((p as { n: number }).n);
      });
      await q.push({ n: 1 });
      await waitFor(() => inHand, 10_000, 'delivery');
      await c.close({ graceMs: 5000 });
      expect(finished).toEqual([1]);
      expect(await q.stats()).toMatchObject({ ready: 0, inflight: 0, dead: 0, delayed: 0 });
    });

    it('reports ready, delayed, in-flight and dead counts', async () => {
      const q = await make({ maxAttempts: 1 });
      await q.push({ a: 1 });
      await q.push({ a: 2 });
      await q.push({ later: true }, { delayMs: 60_000 });
      expect(await q.stats()).toMatchObject({ queue: q.name, backend: q.backend, ready: 2, delayed: 1, inflight: 0, dead: 0 });
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let n = 0;
      consumers.push(
        q.consume(async (p) => {
          n++;
          if ((p as { a: number }).a === 1) throw new Error('bad');
          await gate;
        }),
      );
      await waitFor(async () => {
        const s = await q.stats();
        return s.dead === 1 && s.inflight === 1;
      }, 10_000, 'one dead, one in flight');
      expect(await q.stats()).toMatchObject({ ready: 0, delayed: 1, inflight: 1, dead: 1 });
      release();
      await waitFor(async () => (await q.stats()).inflight === 0, 5000, 'ack');
      expect(n).toBe(2);
    });

    it("obeys its consumers' attempts limit, whatever the producer's was", async () => {
      const producer = await make({ maxAttempts: 10 });
      const consumerSide = await make({ maxAttempts: 2 }, producer);
      let calls = 0;
      consumers.push(
        consumerSide.consume(async () => {
          calls++;
          throw new Error('nope');
        }),
      );
      await producer.push({ x: 1 });
      await waitFor(async () => (await producer.stats()).dead === 1, 10_000, 'dead letter');
      expect(calls).toBe(2);
    });

    it('refuses payloads JSON cannot carry', async () => {
      const q = await make();
      await expect(q.push(undefined)).rejects.toThrow(/cannot be serialized/);
      await expect(q.push({ big: 1n })).rejects.toThrow(/cannot be serialized/);
      expect((await q.stats()).ready).toBe(0);
    });
  });
}
