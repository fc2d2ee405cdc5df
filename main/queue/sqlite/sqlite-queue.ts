// The single-user JobQueue: items live in the `jobs` table of the Skrode SQLite file.
// Consumers poll (with a backoff while the queue is empty), claim a batch under a lease, renew
// the leases while handlers run, and acknowledge (delete) or fail each item.
//
// Deployed, every call is a round trip to the SQLite writer thread (and from a topology worker
// thread, through the supervisor's relay first), which costs more than the SQL it runs. So the
// calls are few and carry many items: a consumer claims ahead of its handlers (prefetch, each
// item under its own lease and fencing token, never more handlers running than its
// concurrency), sends the acknowledgements of finished items with its next claim in one
// transaction, and pushes made while another push is on its way go together in the next call.

import { hostname } from 'node:os';
import { backoffDelay } from '../backoff.js';
import {
  asError,
  defaultQueueOptions,
  encodePayload,
  errorText,
  isPermanent,
  type CloseOptions,
  type ConsumeOptions,
  type Consumer,
  type DeadJob,
  type JobContext,
  type JobHandler,
  type JobQueue,
  type PushOptions,
  type PushResult,
  type QueueOptions,
  type QueueStats,
} from '../port.js';
import type { JobsExecutor } from './executor.js';
import type { ClaimedJob, LeaseRef, PushJobArgs } from './jobs-sql.js';

export interface SqliteQueueOptions extends Partial<QueueOptions> {
  /** Longest sleep between polls of an empty queue. */
  pollMaxMs?: number;
  /** Items a consumer may claim beyond its concurrency, to start as its handlers free up
   *  (default: as many as its concurrency). Unstarted ones go back to the queue on close(). */
  prefetch?: number;
}

export class SqliteJobQueue implements JobQueue {
  readonly backend = 'sqlite' as const;
  readonly options: Readonly<QueueOptions>;
  private readonly pollMaxMs: number;
  private readonly prefetch: number | undefined;
  private readonly consumers = new Set<SqliteConsumer>();
  /** Pushes waiting for the one in flight to return; sent together next. */
  private pushQueue: { args: PushJobArgs; resolve(r: PushResult): void; reject(e: unknown): void }[] = [];
  private pushing = false;

  constructor(
    readonly name: string,
    private readonly exec: JobsExecutor,
    options: SqliteQueueOptions = {},
  ) {
    const { pollMaxMs, prefetch, ...rest } = options;
    this.options = { ...defaultQueueOptions, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
    this.pollMaxMs = pollMaxMs ?? 500;
    this.prefetch = prefetch;
  }

  push(payload: unknown, options: PushOptions = {}): Promise<PushResult> {
    let args: PushJobArgs;
    try {
      const now = Date.now();
      args = { queue: this.name, payload: encodePayload(payload), dedupKey: options.dedupKey ?? null, maxAttempts: this.options.maxAttempts, availableAt: now + (options.delayMs ?? 0), now };
    } catch (e) {
      return Promise.reject(e);
    }
    return new Promise<PushResult>((resolve, reject) => {
      this.pushQueue.push({ args, resolve, reject });
      if (!this.pushing) void this.sendPushes();
    });
  }

  /**
   * One call at a time: the first push goes at once, those made meanwhile (by concurrent
   * handlers or producers) go together as one transaction when it returns. A push resolves only
   * once its row is committed; if the call fails, every push in it is rejected (none was stored).
   */
  private async sendPushes(): Promise<void> {
    this.pushing = true;
    try {
      while (this.pushQueue.length > 0) {
        const batch = this.pushQueue.splice(0, 1000);
        try {
          const rows = batch.length === 1 ? [await this.exec.call('jobs.push', batch[0]!.args)] : await this.exec.call('jobs.pushMany', batch.map((b) => b.args));
          batch.forEach((b, i) => b.resolve({ id: String(rows[i]!.id), duplicate: rows[i]!.duplicate }));
        } catch (e) {
          for (const b of batch) b.reject(e);
        }
      }
    } finally {
      this.pushing = false;
    }
  }

  async pushMany(items: readonly { payload: unknown; dedupKey?: string }[]): Promise<PushResult[]> {
    const now = Date.now();
    const rows = await this.exec.call(
      'jobs.pushMany',
      items.map((i) => ({ queue: this.name, payload: encodePayload(i.payload), dedupKey: i.dedupKey ?? null, maxAttempts: this.options.maxAttempts, availableAt: now, now })),
    );
    return rows.map((r) => ({ id: String(r.id), duplicate: r.duplicate }));
  }

  consume(handler: JobHandler, options: ConsumeOptions = {}): Consumer {
    const c = new SqliteConsumer(this, this.exec, handler, options, { pollMaxMs: this.pollMaxMs, prefetch: this.prefetch }, () => this.consumers.delete(c));
    this.consumers.add(c);
    return c;
  }

  async stats(): Promise<QueueStats> {
    const c = await this.exec.call('jobs.counts', { queue: this.name, now: Date.now() });
    return { queue: this.name, backend: 'sqlite', ...c };
  }

  async listDead(limit = 100): Promise<DeadJob[]> {
    const rows = await this.exec.call('jobs.listDead', { queue: this.name, limit });
    return rows.map((r) => ({ id: String(r.id), payload: safeParse(r.payload), attempts: r.attempts, lastError: r.lastError }));
  }

  async requeueDead(ids?: readonly string[]): Promise<number> {
    return this.exec.call('jobs.requeueDead', { queue: this.name, ids: ids ? ids.map(Number) : null, now: Date.now() });
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.close()));
    await this.exec.close();
  }
}

function safeParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A claimed item and until when (by this process's clock) its lease is known to hold. */
interface Held extends ClaimedJob {
  leaseUntil: number;
}

/** After a claim that drained the queue, how long to let items gather before the next one. */
const LINGER_MS = 2;

class SqliteConsumer implements Consumer {
  private readonly stopping = new AbortController();
  private readonly force = new AbortController();
  /** Every item leased to this consumer and not settled yet (prefetched, running, being acknowledged): renewed. */
  private readonly held = new Map<number, Held>();
  /** Claimed ahead and not started yet, oldest first. */
  private buffer: Held[] = [];
  /** Handlers running now (never more than the concurrency). */
  private active = 0;
  /** Each started item until it is acknowledged, failed or released. */
  private readonly tasks = new Set<Promise<void>>();
  private readonly concurrency: number;
  private readonly capacity: number;
  private readonly loop: Promise<void>;
  private readonly renewTimer: NodeJS.Timeout;
  private abandoned = false;
  private lastReclaim = 0;
  private wakeUp: (() => void) | undefined;
  /** Acknowledgements not sent yet: they ride with the next claim, or go alone on the next turn. */
  private pendingAcks: { lease: LeaseRef; done: (e?: unknown) => void }[] = [];
  private ackScheduled = false;

  constructor(
    private readonly queue: SqliteJobQueue,
    private readonly exec: JobsExecutor,
    private readonly handler: JobHandler,
    private readonly options: ConsumeOptions,
    private readonly tuning: { pollMaxMs: number; prefetch: number | undefined },
    private readonly onClosed: () => void,
  ) {
    const leaseMs = queue.options.leaseMs;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? 1));
    this.capacity = this.concurrency + Math.max(0, Math.floor(tuning.prefetch ?? this.concurrency));
    this.renewTimer = setInterval(() => void this.renew(), Math.max(50, Math.floor(leaseMs / 3)));
    this.renewTimer.unref();
    this.loop = this.run();
  }

  private get owner(): string {
    return this.options.owner ?? `${hostname()}/${process.pid}`;
  }

  private wake(): void {
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  /** Until wake(), stop, or (with ms) a timeout. */
  private wait(ms?: number): Promise<void> {
    if (this.stopping.signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let t: NodeJS.Timeout | undefined;
      const done = () => {
        if (t) clearTimeout(t);
        this.stopping.signal.removeEventListener('abort', done);
        if (this.wakeUp === done) this.wakeUp = undefined;
        resolve();
      };
      if (ms !== undefined) t = setTimeout(done, ms);
      this.wakeUp = done;
      this.stopping.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** A timer only a stop cuts short (a finishing handler does not). */
  private pause(ms: number): Promise<void> {
    const signal = this.stopping.signal;
    if (signal.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const t = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private async run(): Promise<void> {
    const { leaseMs, maxAttempts } = this.queue.options;
    const name = this.queue.name;
    let idle = 5;
    while (!this.stopping.signal.aborted) {
      try {
        if (this.startBuffered() > 0) {
          // Let handlers that finish at once queue their acknowledgements, to go with this claim.
          await new Promise<void>((r) => setImmediate(r));
          this.startBuffered();
        }
        const room = this.capacity - this.active - this.buffer.length;
        // Claim when a handler slot would otherwise wait for work, or when there is room for a
        // good batch; else wait for a handler to finish.
        const starving = this.active < this.concurrency && this.buffer.length === 0;
        if (!(room > 0 && (starving || room * 2 >= this.capacity))) {
          await this.wait();
          continue;
        }
        const now = Date.now();
        // Expired leases are recovered by whoever polls next; at most a few times per lease period.
        const reclaim = now - this.lastReclaim >= Math.min(1000, leaseMs / 4) ? { queue: name, now, maxAttempts } : null;
        if (reclaim) this.lastReclaim = now;
        const acks = this.takeAcks();
        let result;
        try {
          result = await this.exec.call('jobs.cycle', { acks: acks.map((a) => a.lease), reclaim, claim: { queue: name, owner: this.owner, leaseMs, limit: room, now } });
        } catch (e) {
          for (const a of acks) a.done(e);
          throw e;
        }
        for (const a of acks) a.done();
        if (this.abandoned) return;
        const leaseUntil = now + leaseMs;
        for (const job of result.jobs) {
          const h: Held = { ...job, leaseUntil };
          this.held.set(job.id, h);
          this.buffer.push(h);
        }
        if (result.jobs.length > 0) {
          idle = 5;
          if (result.jobs.length < room) {
            // The queue is drained: start what came, and let a few more items arrive (and these
            // acknowledgements gather) before the next claim, rather than claim them one by one.
            this.startBuffered();
            await this.pause(LINGER_MS);
          }
        } else if (this.buffer.length === 0) {
          // Nothing to do: poll again later, less often the longer the queue stays empty.
          await this.wait(idle);
          idle = Math.min(this.tuning.pollMaxMs, idle * 2);
        }
      } catch (e) {
        // The database is busy or briefly unavailable: wait and poll again rather than die.
        if (this.abandoned) return;
        process.emitWarning(`queue ${name}: poll failed: ${errorText(e)}`);
        await this.wait(this.tuning.pollMaxMs);
      }
    }
  }

  /** Start prefetched items while handler slots are free; drop those whose lease has lapsed. */
  private startBuffered(): number {
    let started = 0;
    while (this.active < this.concurrency && this.buffer.length > 0) {
      const job = this.buffer.shift()!;
      if (Date.now() >= job.leaseUntil) {
        // Its lease lapsed while it waited (renewal failing): it is someone else's now, or will be.
        this.held.delete(job.id);
        continue;
      }
      this.start(job);
      started++;
    }
    return started;
  }

  private start(job: Held): void {
    this.active++;
    const ctx: JobContext = { id: String(job.id), queue: this.queue.name, attempt: job.attempts, signal: this.force.signal };
    const p = this.handle(job, ctx).finally(() => {
      this.held.delete(job.id);
      this.tasks.delete(p);
    });
    this.tasks.add(p);
  }

  /** The handler is done with its item: free its slot and let the loop claim more. */
  private slotFreed(): void {
    this.active--;
    this.wake();
  }

  private async handle(job: Held, ctx: JobContext): Promise<void> {
    let payload: unknown;
    try {
      payload = JSON.parse(job.payload);
    } catch (e) {
      this.slotFreed();
      await this.fail(job, ctx, Object.assign(new Error(`payload is not JSON: ${(e as Error).message}`), { permanent: true }));
      return;
    }
    try {
      await this.handler(payload, ctx);
    } catch (e) {
      this.slotFreed();
      if (this.abandoned) return;
      if (this.force.signal.aborted) {
        await this.exec.call('jobs.release', { id: job.id, token: job.token, now: Date.now() }).catch(() => {});
        return;
      }
      await this.fail(job, ctx, asError(e)).catch((err: unknown) => {
        // Not recorded: the lease lapses and the item is delivered again.
        process.emitWarning(`queue ${this.queue.name}: recording the failure of item ${job.id} failed: ${errorText(err)}`);
      });
      return;
    }
    if (this.abandoned) {
      this.slotFreed();
      return;
    }
    const acked = this.ack(job);
    this.slotFreed();
    try {
      await acked;
    } catch (e) {
      // Not acknowledged: the lease lapses and the item is delivered again (at least once).
      process.emitWarning(`queue ${this.queue.name}: acknowledging item ${job.id} failed: ${errorText(e)}`);
      return;
    }
    this.options.onDone?.(ctx);
  }

  private ack(lease: LeaseRef): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pendingAcks.push({ lease: { id: lease.id, token: lease.token }, done: (e) => (e ? reject(e) : resolve()) });
      if (!this.ackScheduled) {
        this.ackScheduled = true;
        setImmediate(() => void this.flushAcks());
      }
    });
  }

  private takeAcks(): { lease: LeaseRef; done: (e?: unknown) => void }[] {
    const batch = this.pendingAcks;
    this.pendingAcks = [];
    return batch;
  }

  /** Acks the loop did not take along with a claim go on their own (one transaction for all). */
  private async flushAcks(): Promise<void> {
    this.ackScheduled = false;
    const batch = this.takeAcks();
    if (batch.length === 0) return;
    try {
      await this.exec.call('jobs.ackMany', batch.map((b) => b.lease));
      for (const b of batch) b.done();
    } catch (e) {
      for (const b of batch) b.done(e);
    }
  }

  private async fail(job: ClaimedJob, ctx: JobContext, err: Error): Promise<void> {
    if (this.abandoned) return;
    const { backoffMs, backoffMaxMs } = this.queue.options;
    const now = Date.now();
    const outcome = await this.exec.call('jobs.fail', {
      id: job.id,
      token: job.token,
      error: errorText(err),
      permanent: isPermanent(err),
      maxAttempts: this.queue.options.maxAttempts,
      retryAt: now + backoffDelay(job.attempts, backoffMs, backoffMaxMs),
      now,
    });
    if (outcome !== 'lost') this.options.onFailed?.(ctx, err, outcome);
  }

  private async renew(): Promise<void> {
    if (this.held.size === 0 || this.abandoned) return;
    const now = Date.now();
    const leaseUntil = now + this.queue.options.leaseMs;
    const leases = [...this.held.values()];
    try {
      const lost = new Set(await this.exec.call('jobs.extend', { leases: leases.map((j) => ({ id: j.id, token: j.token })), leaseUntil, now }));
      for (const j of leases) if (!lost.has(j.id)) j.leaseUntil = leaseUntil;
      // Prefetched items whose lease is gone are someone else's: never start them.
      if (lost.size > 0) {
        this.buffer = this.buffer.filter((j) => {
          if (!lost.has(j.id)) return true;
          this.held.delete(j.id);
          return false;
        });
      }
    } catch {
      // Renewal is retried on the next tick; a lease that lapses meanwhile is simply redelivered.
    }
  }

  /** Hand unstarted prefetched items back at once (not counted as a delivery). */
  private async returnBuffered(): Promise<void> {
    const unstarted = this.buffer.splice(0);
    for (const j of unstarted) this.held.delete(j.id);
    if (unstarted.length === 0) return;
    await this.exec.call('jobs.releaseMany', { leases: unstarted.map((j) => ({ id: j.id, token: j.token })), now: Date.now() }).catch((e: unknown) => {
      process.emitWarning(`queue ${this.queue.name}: returning ${unstarted.length} unstarted items failed (they come back when their leases lapse): ${errorText(e)}`);
    });
  }

  async close(options: CloseOptions = {}): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await this.returnBuffered();
    const grace = options.graceMs ?? 30_000;
    const all = Promise.allSettled([...this.tasks]);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), grace)))]);
    clearTimeout(timer);
    if (timedOut) {
      // Handlers that ignore the deadline: abort them, and hand their items back right away.
      this.force.abort();
      const leases = [...this.held.values()];
      await Promise.all(leases.map((j) => this.exec.call('jobs.release', { id: j.id, token: j.token, now: Date.now() }).catch(() => false)));
    }
    clearInterval(this.renewTimer);
    this.onClosed();
  }

  async abandon(): Promise<void> {
    this.abandoned = true;
    this.stopping.abort();
    clearInterval(this.renewTimer);
    await this.loop;
    this.onClosed();
  }
}
