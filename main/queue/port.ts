// The JobQueue port: the one interface topology workers push and consume work through.
// Two adapters implement it with the same semantics (checked by ./contract.test-suite.ts):
//   sqlite/  a jobs table in the user's SQLite file, claimed with a lease + fencing token
//   redis/   BullMQ on Redis, for several hosts
//
// Semantics (both adapters):
// - at-least-once: an item is removed only when its handler returned; an item held by a consumer
//   that dies (no ack, no lease renewal) is delivered again once its lease expires;
// - a handler that throws is retried with exponential backoff and jitter, up to maxAttempts
//   deliveries; then the item moves to the dead-letter list, which can be listed and requeued;
// - a handler that throws PermanentJobError (input known to be bad) sends the item to the
//   dead-letter list at once, without retries;
// - a push carries an id chosen by the producer (the dedup key, or a fresh UUID): pushing the same
//   key again while the item exists (ready, in flight or dead) is a no-op, so a producer that
//   retries after a lost reply never duplicates an item;
// - consumers close gracefully: the item in hand is finished, or returned to the queue.

export type QueueBackend = 'sqlite' | 'redis';

export interface QueueOptions {
  /** Deliveries before an item is dead-lettered (a delivery whose worker died counts). The
   *  consumers' setting decides, whatever the producer's was. */
  maxAttempts: number;
  /** Backoff base: the delay before the 2nd delivery; doubles each attempt. */
  backoffMs: number;
  /** Upper bound of one backoff delay. */
  backoffMaxMs: number;
  /** How long a consumer holds an item without renewing before it is handed to someone else. */
  leaseMs: number;
}

export const defaultQueueOptions: QueueOptions = {
  maxAttempts: 5,
  backoffMs: 1000,
  backoffMaxMs: 5 * 60_000,
  leaseMs: 30_000,
};

export interface PushOptions {
  /** Items with the same key are the same item while it exists in the queue (any state). */
  dedupKey?: string;
  /** Not deliverable before this many milliseconds from now. */
  delayMs?: number;
}

export interface PushResult {
  id: string;
  /** True when an item with this dedup key already existed and nothing was added. */
  duplicate: boolean;
}

export interface JobContext {
  id: string;
  queue: string;
  /** 1 on the first delivery. */
  attempt: number;
  /** Aborted when the consumer is being force-stopped: finish quickly or throw. */
  signal: AbortSignal;
}

export type JobHandler = (payload: unknown, ctx: JobContext) => Promise<void> | void;

export type FailOutcome = 'retry' | 'dead';

export interface ConsumeOptions {
  /** Items handled at once by this consumer. */
  concurrency?: number;
  /** Identifies the consumer in leases and logs (host/worker/replica). */
  owner?: string;
  onDone?(ctx: JobContext): void;
  onFailed?(ctx: JobContext, error: Error, outcome: FailOutcome): void;
}

export interface CloseOptions {
  /** How long to wait for items in hand to finish before aborting them and returning them. */
  graceMs?: number;
}

export interface Consumer {
  /** Stop taking items; finish (or, after graceMs, return) the items in hand. */
  close(options?: CloseOptions): Promise<void>;
  /**
   * Stop at once without finishing, acknowledging or returning anything, as a process killed
   * by SIGKILL would. The items in hand come back when their leases expire. For tests.
   */
  abandon(): Promise<void>;
}

export interface DeadJob {
  id: string;
  payload: unknown;
  attempts: number;
  lastError: string | null;
}

export interface QueueStats {
  queue: string;
  backend: QueueBackend;
  /** Deliverable now. */
  ready: number;
  /** Waiting for a retry backoff or a push delay. */
  delayed: number;
  /** Held by a consumer. */
  inflight: number;
  dead: number;
}

export interface JobQueue {
  readonly name: string;
  readonly backend: QueueBackend;
  readonly options: Readonly<QueueOptions>;
  push(payload: unknown, options?: PushOptions): Promise<PushResult>;
  pushMany(items: readonly { payload: unknown; dedupKey?: string }[]): Promise<PushResult[]>;
  consume(handler: JobHandler, options?: ConsumeOptions): Consumer;
  stats(): Promise<QueueStats>;
  listDead(limit?: number): Promise<DeadJob[]>;
  /** Move dead items (all, or those ids) back to ready with a fresh attempt count. */
  requeueDead(ids?: readonly string[]): Promise<number>;
  /** Close consumers' and producers' connections (consumers are closed gracefully first). */
  close(): Promise<void>;
}

/**
 * Thrown by a handler for an input that will never succeed (malformed, refused by validation):
 * the item is dead-lettered at once instead of being retried.
 */
export class PermanentJobError extends Error {
  override name = 'PermanentJobError';
}

export function isPermanent(e: unknown): boolean {
  return e instanceof Error && (e.name === 'PermanentJobError' || e.name === 'UnrecoverableError' || (e as { permanent?: unknown }).permanent === true);
}

export class QueueError extends Error {
  override name = 'QueueError';
}

/** Serialize a payload for storage; refuse what JSON cannot carry faithfully. */
export function encodePayload(payload: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(payload);
  } catch (e) {
    throw new QueueError(`job payload cannot be serialized: ${(e as Error).message}`);
  }
  if (text === undefined) throw new QueueError(`job payload of type ${typeof payload} cannot be serialized as JSON`);
  return text;
}

export function errorText(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`.slice(0, 2000);
  return String(e).slice(0, 2000);
}

export function asError(e: unknown): Error {
  return e instanceof Error ? e : new Error(String(e));
}
