// Build a JobQueue from a `!skrode/queue` descriptor (main/config/tags/queue.ts):
//   with `conn: *redis`  -> the BullMQ adapter on that Redis (multi-host)
//   without `conn`       -> the jobs table in the SQLite store (single user)
// Queue options come from the descriptor: attempts, backoff (ms or {type, delay}), and the extra
// keys lease_ms and backoff_max_ms. The original's `inflight` key is accepted and not needed:
// leases replace the in-flight list.

import type { QueueDescriptor, StoreDescriptor } from '../config/index.js';
import { QueueError, type JobQueue, type QueueOptions } from './port.js';
import type { JobsExecutor } from './sqlite/executor.js';

export interface QueueEnvironment {
  /** The configured store: the SQLite file holds the local job queue. */
  store: StoreDescriptor;
  /** How to reach the jobs SQL of that file; default: a connection of this thread's own. */
  sqliteExecutor?: (path: string) => Promise<JobsExecutor>;
}

function positiveInt(v: unknown, what: string, key: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) throw new QueueError(`queue ${key}: ${what} must be a positive whole number, not ${JSON.stringify(v)}`);
  return n;
}

export function queueOptionsOf(d: QueueDescriptor): Partial<QueueOptions> {
  const o: Partial<QueueOptions> = {};
  const attempts = positiveInt(d.attempts, 'attempts', d.key);
  if (attempts) o.maxAttempts = attempts;
  if (typeof d.backoff === 'number') o.backoffMs = d.backoff;
  else if (d.backoff && typeof d.backoff === 'object') o.backoffMs = d.backoff.delay;
  const lease = positiveInt(d.lease_ms, 'lease_ms', d.key);
  if (lease) o.leaseMs = lease;
  const max = positiveInt(d.backoff_max_ms, 'backoff_max_ms', d.key);
  if (max) o.backoffMaxMs = max;
  return o;
}

/** Where a queue lives, for status screens and for grouping queues by backend. */
export function queueLocation(d: QueueDescriptor, store: StoreDescriptor): string {
  if (d.conn) return `redis://${d.conn.host}:${d.conn.port}/${d.conn.db}#${d.conn.prefix ?? 'skrode'}`;
  return store.kind === 'sqlite' ? `sqlite:${store.path}` : 'postgres';
}

export async function openQueue(d: QueueDescriptor, env: QueueEnvironment): Promise<JobQueue> {
  const options = queueOptionsOf(d);
  if (d.conn) {
    const { RedisJobQueue } = await import('./redis/bullmq-queue.js');
    const c = d.conn;
    return new RedisJobQueue(d.key, { host: c.host, port: c.port, db: c.db, username: c.username, password: c.password, tls: c.tls }, { ...options, prefix: c.prefix ?? 'skrode' });
  }
  if (env.store.kind !== 'sqlite') {
    throw new QueueError(`queue ${d.key} has no conn: the local job queue lives in the SQLite store, but the configured store is Postgres; give the queue conn: a !skrode/redis`);
  }
  const { SqliteJobQueue } = await import('./sqlite/sqlite-queue.js');
  let exec: JobsExecutor;
  if (env.sqliteExecutor) exec = await env.sqliteExecutor(env.store.path);
  else {
    const { openSqlite } = await import('../store/sqlite/open.js');
    const { directExecutor } = await import('./sqlite/executor.js');
    exec = directExecutor(openSqlite(env.store.path), { owned: true });
  }
  return new SqliteJobQueue(d.key, exec, options);
}
