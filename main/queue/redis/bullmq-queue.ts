// The multi-host JobQueue: BullMQ on Redis. BullMQ already does what the original's hand-written
// queue got wrong: atomic Lua-scripted moves between states, locks renewed while a job runs and
// stalled-job recovery when they lapse (our lease), attempts with backoff, and a failed set (our
// dead-letter list). See docs/topology.md for why BullMQ rather than a hand-written LPUSH/BLMOVE
// protocol.
//
// Mapping onto the port:
//   lease            = BullMQ lock (lockDuration) + stalled checker run by every consumer
//   attempts         = job.opts.attempts, plus maxStartedAttempts so deliveries whose worker died
//                      count too (a job that kills its worker cannot loop forever)
//   backoff          = our backoffDelay() (exponential, equal jitter, capped) as a custom strategy
//   permanent error  = UnrecoverableError
//   dead-letter list = the failed set (removeOnFail: false); requeue = job.retry('failed')
//   dedup / no duplicate pushes = the producer chooses the job id (dedup key, or a fresh UUID), so
//                      a push resent after a lost reply (ioredis re-sends on reconnect) is a no-op.

import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { backoffDelay } from '../backoff.js';
import {
  defaultQueueOptions,
  encodePayload,
  errorText,
  isPermanent,
  QueueError,
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

export interface RedisConnection {
  host?: string;
  port?: number;
  db?: number;
  username?: string;
  password?: string;
  /** redis://[user:pass@]host:port/db (rediss:// for TLS); takes precedence over the fields above. */
  url?: string;
  tls?: boolean;
}

export interface RedisQueueOptions extends Partial<QueueOptions> {
  /** Key prefix of every BullMQ key (tests use a random one). */
  prefix?: string;
}

const JOB_NAME = 'item';
const UNLIMITED_ATTEMPTS = 1_000_000_000;
const BACKOFF_TYPE = 'skrode';

/** ioredis options for BullMQ. Workers need maxRetriesPerRequest null (STYLE §11.11). */
export function bullConnection(c: RedisConnection): ConnectionOptions {
  let opts: Record<string, unknown> = { host: c.host ?? '127.0.0.1', port: c.port ?? 6379, db: c.db ?? 0, username: c.username, password: c.password, tls: c.tls ? {} : undefined };
  if (c.url) {
    const u = new URL(c.url);
    opts = {
      host: u.hostname,
      port: Number(u.port || 6379),
      db: Number(u.pathname.replace(/^\//, '') || 0),
      username: u.username ? decodeURIComponent(u.username) : undefined,
      password: u.password ? decodeURIComponent(u.password) : undefined,
      tls: u.protocol === 'rediss:' ? {} : undefined,
    };
  }
  // Reconnect forever with a bounded delay: a Redis restart must not end the topology.
  return { ...opts, maxRetriesPerRequest: null, enableReadyCheck: true, retryStrategy: (times: number) => Math.min(200 * times, 2000) } as ConnectionOptions;
}

/** A producer-chosen job id: BullMQ refuses ':' and integer-looking custom ids, so encode. */
function jobIdFor(dedupKey: string | undefined): string {
  return dedupKey === undefined ? `u-${randomUUID()}` : `k-${encodeURIComponent(dedupKey)}`;
}

export class RedisJobQueue implements JobQueue {
  readonly backend = 'redis' as const;
  readonly options: Readonly<QueueOptions>;
  private readonly prefix: string;
  private readonly connection: ConnectionOptions;
  private producer: Queue | undefined;
  private readonly consumers = new Set<RedisConsumer>();

  constructor(
    readonly name: string,
    conn: RedisConnection,
    options: RedisQueueOptions = {},
  ) {
    if (!name || name.includes(':')) throw new QueueError(`invalid queue key ${JSON.stringify(name)} for Redis: it must be non-empty and contain no ':'`);
    const { prefix, ...rest } = options;
    this.options = { ...defaultQueueOptions, ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)) };
    this.prefix = prefix ?? 'skrode';
    this.connection = bullConnection(conn);
  }

  /** The BullMQ Queue, created on first use (a worker that only consumes never needs one). */
  get queue(): Queue {
    if (!this.producer) {
      this.producer = new Queue(this.name, { connection: this.connection, prefix: this.prefix });
      this.producer.on('error', () => {}); // connection errors surface on the calls themselves
    }
    return this.producer;
  }

  private jobOptions(jobId: string, delayMs?: number) {
    return {
      jobId,
      // The consumer decides when an item is dead (maxStartedAttempts in RedisConsumer), as the
      // SQLite adapter does: an item pushed by a producer configured differently obeys the
      // queue's consumers, not its producer.
      attempts: UNLIMITED_ATTEMPTS,
      backoff: { type: BACKOFF_TYPE },
      delay: delayMs && delayMs > 0 ? delayMs : undefined,
      removeOnComplete: true,
      removeOnFail: false,
    };
  }

  async push(payload: unknown, options: PushOptions = {}): Promise<PushResult> {
    encodePayload(payload); // refuse what JSON cannot carry before it reaches Redis
    const jobId = jobIdFor(options.dedupKey);
    // Only the flag below depends on this read: the job id alone guarantees a single item.
    const existed = options.dedupKey !== undefined && (await this.queue.getJob(jobId)) !== undefined;
    const job = await this.queue.add(JOB_NAME, payload, this.jobOptions(jobId, options.delayMs));
    return { id: job.id ?? jobId, duplicate: existed };
  }

  async pushMany(items: readonly { payload: unknown; dedupKey?: string }[]): Promise<PushResult[]> {
    for (const i of items) encodePayload(i.payload);
    const ids = items.map((i) => jobIdFor(i.dedupKey));
    const existing = new Set<string>();
    const keyed = ids.filter((_, n) => items[n]!.dedupKey !== undefined);
    if (keyed.length) {
      const found = await Promise.all(keyed.map((id) => this.queue.getJob(id)));
      found.forEach((j, n) => j && existing.add(keyed[n]!));
    }
    await this.queue.addBulk(items.map((i, n) => ({ name: JOB_NAME, data: i.payload, opts: this.jobOptions(ids[n]!) })));
    return ids.map((id) => ({ id, duplicate: existing.has(id) }));
  }

  consume(handler: JobHandler, options: ConsumeOptions = {}): Consumer {
    const c = new RedisConsumer(this, this.connection, this.prefix, handler, options, () => this.consumers.delete(c));
    this.consumers.add(c);
    return c;
  }

  async stats(): Promise<QueueStats> {
    const c = await this.queue.getJobCounts('wait', 'prioritized', 'delayed', 'active', 'failed');
    return {
      queue: this.name,
      backend: 'redis',
      ready: (c.wait ?? 0) + (c.prioritized ?? 0),
      delayed: c.delayed ?? 0,
      inflight: c.active ?? 0,
      dead: c.failed ?? 0,
    };
  }

  async listDead(limit = 100): Promise<DeadJob[]> {
    const jobs = await this.queue.getFailed(0, Math.max(0, limit - 1));
    return jobs.filter((j): j is Job => !!j).map((j) => ({ id: String(j.id), payload: j.data, attempts: Math.max(j.attemptsMade, j.attemptsStarted ?? 0), lastError: j.failedReason ?? null }));
  }

  async requeueDead(ids?: readonly string[]): Promise<number> {
    let jobs: (Job | undefined)[];
    if (ids) jobs = await Promise.all(ids.map((id) => this.queue.getJob(id)));
    else jobs = await this.queue.getFailed(0, -1);
    let n = 0;
    for (const j of jobs) {
      if (!j || !(await j.isFailed())) continue;
      await j.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      n++;
    }
    return n;
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((c) => c.close()));
    await this.producer?.close();
  }
}

class RedisConsumer implements Consumer {
  private readonly worker: Worker;
  private closed = false;

  constructor(
    private readonly q: RedisJobQueue,
    connection: ConnectionOptions,
    prefix: string,
    handler: JobHandler,
    private readonly options: ConsumeOptions,
    private readonly onClosed: () => void,
  ) {
    const { leaseMs, maxAttempts, backoffMs, backoffMaxMs } = q.options;
    const processor = async (job: Job, _token?: string, signal?: AbortSignal) => {
      const ctx: JobContext = { id: String(job.id), queue: q.name, attempt: Math.max(job.attemptsStarted ?? 0, job.attemptsMade + 1), signal: signal ?? new AbortController().signal };
      try {
        await handler(job.data, ctx);
      } catch (e) {
        if (isPermanent(e)) throw new UnrecoverableError(errorText(e));
        throw e;
      }
    };
    this.worker = new Worker(q.name, processor, {
      connection,
      prefix,
      name: options.owner ?? `${hostname()}/${process.pid}`,
      concurrency: Math.max(1, options.concurrency ?? 1),
      lockDuration: leaseMs,
      stalledInterval: Math.max(250, Math.min(30_000, Math.floor(leaseMs / 2))),
      maxStalledCount: maxAttempts,
      maxStartedAttempts: maxAttempts,
      drainDelay: 1,
      removeOnComplete: { count: 0 },
      settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, backoffMs, backoffMaxMs) },
    });
    this.worker.on('error', (e) => {
      // Lost connections are retried by ioredis; keep the worker alive and say why, once a while.
      warnOnce(`queue ${q.name}: ${errorText(e)}`);
    });
    this.worker.on('completed', (job) => options.onDone?.(this.ctxOf(job)));
    this.worker.on('failed', (job, err) => {
      if (!job || !options.onFailed) return;
      const ctx = this.ctxOf(job);
      void job
        .getState()
        .then((state) => options.onFailed!(ctx, err, state === 'failed' ? 'dead' : 'retry'))
        .catch(() => options.onFailed!(ctx, err, isPermanent(err) ? 'dead' : 'retry'));
    });
  }

  private ctxOf(job: Job): JobContext {
    return { id: String(job.id), queue: this.q.name, attempt: Math.max(job.attemptsStarted ?? 0, job.attemptsMade), signal: new AbortController().signal };
  }

  async close(options: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const grace = options.graceMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.worker.close().then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), grace))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      // Handlers that ignore the deadline are aborted; their items come back through the stalled
      // checker of the remaining consumers once the lock lapses.
      this.worker.cancelAllJobs('topology stopping');
      await this.worker.close(true);
    }
    this.onClosed();
  }

  async abandon(): Promise<void> {
    this.closed = true;
    await this.worker.close(true);
    this.onClosed();
  }
}

const warned = new Map<string, number>();
function warnOnce(msg: string): void {
  const now = Date.now();
  if ((warned.get(msg) ?? 0) > now - 10_000) return;
  warned.set(msg, now);
  process.emitWarning(msg);
}
