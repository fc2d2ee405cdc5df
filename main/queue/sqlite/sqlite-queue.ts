// The single-user JobQueue: items live in the `jobs` table of the Skrode SQLite file.
// Consumers poll (with a backoff while the queue is empty), claim a batch under a lease, renew
// the lease while handlers run, and acknowledge (delete) or fail each item.

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
import type { ClaimedJob } from './jobs-sql.js';

export interface SqliteQueueOptions extends Partial<QueueOptions> {
  /** Longest sleep between polls of an empty queue. */
  pollMaxMs?: number;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

export class SqliteJobQueue implements JobQueue {
  readonly backend = 'sqlite' as const;
  readonly options: Readonly<QueueOptions>;
  private readonly pollMaxMs: number;
  private readonly consumers = new Set<SqliteConsumer>();

  constructor(
    readonly name: string,
    private readonly exec: JobsExecutor,
    options: SqliteQueueOptions = {},
  ) {
    const { pollMaxMs, ...rest } = options;
    this.options = { ...defaultQueueOptions, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
    this.pollMaxMs = pollMaxMs ?? 500;
  }

  async push(payload: unknown, options: PushOptions = {}): Promise<PushResult> {
    const now = Date.now();
    const r = await this.exec.call('jobs.push', {
      queue: this.name,
      payload: encodePayload(payload),
      dedupKey: options.dedupKey ?? null,
      maxAttempts: this.options.maxAttempts,
      availableAt: now + (options.delayMs ?? 0),
      now,
    });
    return { id: String(r.id), duplicate: r.duplicate };
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
    const c = new SqliteConsumer(this, this.exec, handler, options, this.pollMaxMs, () => this.consumers.delete(c));
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

class SqliteConsumer implements Consumer {
  private readonly stopping = new AbortController();
  private readonly force = new AbortController();
  private readonly held = new Map<number, ClaimedJob>();
  private readonly running = new Set<Promise<void>>();
  private readonly loop: Promise<void>;
  private readonly renewTimer: NodeJS.Timeout;
  private abandoned = false;
  private readonly stopped: Promise<void>;
  private lastReclaim = 0;

  constructor(
    private readonly queue: SqliteJobQueue,
    private readonly exec: JobsExecutor,
    private readonly handler: JobHandler,
    private readonly options: ConsumeOptions,
    private readonly pollMaxMs: number,
    private readonly onClosed: () => void,
  ) {
    const leaseMs = queue.options.leaseMs;
    this.stopped = new Promise((resolve) => this.stopping.signal.addEventListener('abort', () => resolve(), { once: true }));
    this.renewTimer = setInterval(() => void this.renew(), Math.max(50, Math.floor(leaseMs / 3)));
    this.renewTimer.unref();
    this.loop = this.run();
  }

  private get owner(): string {
    return this.options.owner ?? `${hostname()}/${process.pid}`;
  }

  private async run(): Promise<void> {
    const concurrency = Math.max(1, this.options.concurrency ?? 1);
    const { leaseMs } = this.queue.options;
    let idle = 5;
    while (!this.stopping.signal.aborted) {
      try {
        const now = Date.now();
        // Expired leases are recovered by whoever polls next; at most a few times per lease period.
        if (now - this.lastReclaim >= Math.min(1000, leaseMs / 4)) {
          this.lastReclaim = now;
          await this.exec.call('jobs.reclaim', { queue: this.queue.name, now, maxAttempts: this.queue.options.maxAttempts });
        }
        const room = concurrency - this.running.size;
        const jobs = room > 0 ? await this.exec.call('jobs.claim', { queue: this.queue.name, owner: this.owner, leaseMs, limit: room, now: Date.now() }) : [];
        if (this.abandoned) return;
        for (const job of jobs) this.start(job);
        if (this.running.size >= concurrency) {
          await Promise.race([...this.running, this.stopped]);
        } else if (jobs.length === 0) {
          await sleep(idle, this.stopping.signal);
          idle = Math.min(this.pollMaxMs, idle * 2);
        } else idle = 5;
      } catch (e) {
        // The database is busy or briefly unavailable: wait and poll again rather than die.
        if (this.abandoned) return;
        process.emitWarning(`queue ${this.queue.name}: poll failed: ${errorText(e)}`);
        await sleep(this.pollMaxMs, this.stopping.signal);
      }
    }
  }

  private start(job: ClaimedJob): void {
    this.held.set(job.id, job);
    const ctx: JobContext = { id: String(job.id), queue: this.queue.name, attempt: job.attempts, signal: this.force.signal };
    const p = this.handle(job, ctx).finally(() => {
      this.held.delete(job.id);
      this.running.delete(p);
    });
    this.running.add(p);
  }

  private async handle(job: ClaimedJob, ctx: JobContext): Promise<void> {
    let payload: unknown;
    try {
      payload = JSON.parse(job.payload);
    } catch (e) {
      await this.fail(job, ctx, Object.assign(new Error(`payload is not JSON: ${(e as Error).message}`), { permanent: true }));
      return;
    }
    try {
      await this.handler(payload, ctx);
    } catch (e) {
      if (this.abandoned) return;
      if (this.force.signal.aborted) {
        await this.exec.call('jobs.release', { id: job.id, token: job.token, now: Date.now() }).catch(() => {});
        return;
      }
      await this.fail(job, ctx, asError(e));
      return;
    }
    if (this.abandoned) return;
    await this.ack({ id: job.id, token: job.token });
    this.options.onDone?.(ctx);
  }

  /** Acks of items finishing together go in one call (one transaction, one thread hop). */
  private pendingAcks: { lease: { id: number; token: string }; done: (e?: unknown) => void }[] = [];
  private ack(lease: { id: number; token: string }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pendingAcks.push({ lease, done: (e) => (e ? reject(e) : resolve()) });
      if (this.pendingAcks.length === 1) setImmediate(() => void this.flushAcks());
    });
  }
  private async flushAcks(): Promise<void> {
    const batch = this.pendingAcks;
    this.pendingAcks = [];
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
    try {
      await this.exec.call('jobs.extend', { leases: [...this.held.values()].map((j) => ({ id: j.id, token: j.token })), leaseUntil: now + this.queue.options.leaseMs, now });
    } catch {
      // Renewal is retried on the next tick; a lease that lapses meanwhile is simply redelivered.
    }
  }

  async close(options: CloseOptions = {}): Promise<void> {
    this.stopping.abort();
    await this.loop;
    const grace = options.graceMs ?? 30_000;
    const all = Promise.allSettled([...this.running]);
    const timedOut = await Promise.race([all.then(() => false), sleep(grace).then(() => true)]);
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
