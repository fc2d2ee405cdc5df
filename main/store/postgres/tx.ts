// Async transactions over a pg.Pool: one checked-out client per transaction, BEGIN/COMMIT,
// ROLLBACK on any error, the client always released (and destroyed when its connection is gone,
// so the pool replaces it). Serialization failures and deadlocks between hosts applying
// overlapping batches are retried a bounded number of times with jittered backoff.

import type pg from 'pg';

/** Postgres SQLSTATEs that mean "run the whole transaction again". */
const RETRYABLE = new Set(['40001', '40P01']);

/** SQLSTATE classes that mean the connection itself is unusable (admin shutdown, crash). */
const FATAL_CLASSES = ['08', '57'];

export interface TxOptions {
  /** How many times to re-run the body after a serialization failure or deadlock. */
  retries?: number;
  /** Called before each re-run, with the error that caused it. */
  onRetry?: (err: unknown, attempt: number) => void;
  /** Called when a pooled client turned out dead before BEGIN (it is replaced, the call goes on). */
  onDeadClient?: () => void;
  /** The statement that opens the transaction (e.g. a read-only repeatable-read one for reads). */
  begin?: string;
}

function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isRetryable(err: unknown): boolean {
  const code = sqlState(err);
  return code !== undefined && RETRYABLE.has(code);
}

/** True when the client that saw this error should not go back to the pool. */
export function isConnectionError(err: unknown): boolean {
  const code = sqlState(err);
  if (code && FATAL_CLASSES.some((c) => code.startsWith(c))) return true;
  // Socket-level failures carry Node error codes, or none at all (pg's "Connection terminated").
  if (code && /^E[A-Z]+$/.test(code)) return true;
  const msg = err instanceof Error ? err.message : '';
  return /Connection terminated|connection is closed|Client has encountered a connection error|not queryable/i.test(msg);
}

const guarded = new WeakSet<pg.PoolClient>();

/**
 * A checked-out client whose server goes away while it is not running a query emits 'error';
 * without a listener that would crash the process. The query in flight (if any) rejects anyway.
 */
function guard(client: pg.PoolClient): void {
  if (guarded.has(client)) return;
  guarded.add(client);
  client.on('error', () => {});
}

export async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  guard(client);
  let broken: Error | undefined;
  try {
    return await fn(client);
  } catch (err) {
    if (isConnectionError(err) || isConnectionError((err as { cause?: unknown } | null)?.cause)) broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A client that died before BEGIN went through: nothing ran, so another client may try. */
class DeadOnArrival extends Error {
  constructor(override readonly cause: unknown) {
    super('connection lost before the transaction began');
  }
}

export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, options: TxOptions = {}): Promise<T> {
  const retries = options.retries ?? 5;
  let deadClients = 0;
  for (let attempt = 0; ; ) {
    try {
      return await withClient(pool, async (client) => {
        try {
          await client.query(options.begin ?? 'begin');
        } catch (err) {
          // An idle client whose server connection was cut (a restart, a terminated backend).
          if (isConnectionError(err)) throw new DeadOnArrival(err);
          throw err;
        }
        try {
          const value = await fn(client);
          await client.query('commit');
          return value;
        } catch (err) {
          // A failed ROLLBACK means the connection is gone; the original error is the one to report.
          await client.query('rollback').catch(() => {});
          throw err;
        }
      });
    } catch (err) {
      if (err instanceof DeadOnArrival) {
        // Every pooled client may be dead after a restart; each is replaced on release.
        if (++deadClients > (pool.options.max ?? 10) + 1) throw err.cause;
        options.onDeadClient?.();
        continue;
      }
      if (!isRetryable(err) || attempt >= retries) throw err;
      attempt++;
      options.onRetry?.(err, attempt);
      await sleep(5 * 2 ** attempt + Math.random() * 20);
    }
  }
}
