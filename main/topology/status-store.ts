// Where supervisors keep their workers' heartbeats, for `skrode topology status` and the app:
// the worker_status table of the SQLite store (single user), or a Redis hash (multi-host, the
// Redis the topology's queues use). Each supervisor rewrites its own host's rows every second;
// a row not refreshed for STALE_MS belongs to a supervisor that is gone or hung.

import type { WorkerStatusDto } from '../../shared/topology.js';
import type { PostgresDescriptor, RedisDescriptor } from '../config/index.js';

export const HEARTBEAT_MS = 1000;
export const STALE_MS = Number(process.env.SKRODE_STATUS_STALE_MS ?? 10_000);

export interface StatusStore {
  /** Replace this host's rows (a supervisor starting fresh). */
  clearHost(host: string): Promise<void>;
  write(rows: readonly WorkerStatusDto[]): Promise<void>;
  read(): Promise<WorkerStatusDto[]>;
  close(): Promise<void>;
}

function markStale(rows: WorkerStatusDto[], now = Date.now()): WorkerStatusDto[] {
  for (const r of rows) r.stale = r.state !== 'stopped' && r.state !== 'parked' && now - Date.parse(r.updatedAt) > STALE_MS;
  return rows.sort((a, b) => a.host.localeCompare(b.host) || a.worker.localeCompare(b.worker) || a.replica - b.replica);
}

export async function sqliteStatusStore(path: string): Promise<StatusStore> {
  const { openSqlite } = await import('../store/sqlite/open.js');
  const db = openSqlite(path);
  const upsert = db.prepare(
    `insert into worker_status (host, worker, replica, state, restarts, done, failed, last_error, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (host, worker, replica) do update set state = excluded.state, restarts = excluded.restarts, done = excluded.done,
       failed = excluded.failed, last_error = excluded.last_error, updated_at = excluded.updated_at`,
  );
  return {
    async clearHost(host) {
      db.prepare('delete from worker_status where host = ?').run(host);
    },
    async write(rows) {
      db.transaction(() => {
        for (const r of rows) upsert.run(r.host, r.worker, r.replica, r.state, r.restarts, r.done, r.failed, r.lastError, Date.parse(r.updatedAt));
      }).immediate();
    },
    async read() {
      const rows = db.prepare('select host, worker, replica, state, restarts, done, failed, last_error as lastError, updated_at as updatedAt from worker_status').all() as (Omit<WorkerStatusDto, 'updatedAt' | 'stale'> & { updatedAt: number })[];
      return markStale(rows.map((r) => ({ ...r, updatedAt: new Date(r.updatedAt).toISOString(), stale: false })));
    },
    async close() {
      db.close();
    },
  };
}

/** Heartbeats through the SQLite writer thread (the single-user topology's one write connection). */
export function writerStatusStore(path: string, writer: { call<T = unknown>(method: string, ...args: unknown[]): Promise<T> }): StatusStore {
  return {
    async clearHost(host) {
      await writer.call('topology.status.clearHost', host);
    },
    async write(rows) {
      await writer.call('topology.status.write', rows);
    },
    async read() {
      const s = await sqliteStatusStore(path);
      try {
        return await s.read();
      } finally {
        await s.close();
      }
    },
    async close() {},
  };
}

export async function redisStatusStore(d: RedisDescriptor): Promise<StatusStore> {
  const { Redis } = await import('ioredis');
  const { redisOptions } = await import('../config/index.js');
  const redis = new Redis({ ...redisOptions(d), maxRetriesPerRequest: 3, retryStrategy: (n: number) => Math.min(200 * n, 2000) });
  redis.on('error', () => {}); // reconnects; calls report their own failures
  const key = `${d.prefix ?? 'skrode'}:topology:workers`;
  const field = (r: { host: string; worker: string; replica: number }) => `${r.host}\u0000${r.worker}\u0000${r.replica}`;
  return {
    async clearHost(host) {
      const all = await redis.hkeys(key);
      const mine = all.filter((f) => f.startsWith(`${host}\u0000`));
      if (mine.length) await redis.hdel(key, ...mine);
    },
    async write(rows) {
      if (rows.length === 0) return;
      await redis.hset(key, Object.fromEntries(rows.map((r) => [field(r), JSON.stringify(r)])));
    },
    async read() {
      const all = await redis.hvals(key);
      const rows: WorkerStatusDto[] = [];
      for (const v of all) {
        try {
          rows.push(JSON.parse(v) as WorkerStatusDto);
        } catch {
          // a foreign or damaged entry: not ours to show
        }
      }
      return markStale(rows);
    },
    async close() {
      redis.disconnect();
    },
  };
}

/** Heartbeats in the worker_status table of a Postgres store (a topology without Redis). */
export async function postgresStatusStore(d: PostgresDescriptor): Promise<StatusStore> {
  const { createPool, migratePostgres } = await import('../store/postgres/open.js');
  const pool = createPool({ url: d.url, schema: d.schema, max: 1 });
  await migratePostgres(pool, d.schema);
  return {
    async clearHost(host) {
      await pool.query('delete from worker_status where host = $1', [host]);
    },
    async write(rows) {
      if (rows.length === 0) return;
      await pool.query(
        `insert into worker_status (host, worker, replica, state, restarts, done, failed, last_error, updated_at)
         select * from unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::int[], $6::int[], $7::int[], $8::text[], $9::timestamptz[])
         on conflict (host, worker, replica) do update set state = excluded.state, restarts = excluded.restarts, done = excluded.done,
           failed = excluded.failed, last_error = excluded.last_error, updated_at = excluded.updated_at`,
        [rows.map((r) => r.host), rows.map((r) => r.worker), rows.map((r) => r.replica), rows.map((r) => r.state), rows.map((r) => r.restarts), rows.map((r) => r.done), rows.map((r) => r.failed), rows.map((r) => r.lastError), rows.map((r) => r.updatedAt)],
      );
    },
    async read() {
      const r = await pool.query<{ host: string; worker: string; replica: number; state: WorkerStatusDto['state']; restarts: number; done: number; failed: number; last_error: string | null; updated_at: Date }>(
        'select host, worker, replica, state, restarts, done, failed, last_error, updated_at from worker_status',
      );
      return markStale(r.rows.map((x) => ({ host: x.host, worker: x.worker, replica: x.replica, state: x.state, restarts: x.restarts, done: x.done, failed: x.failed, lastError: x.last_error, updatedAt: new Date(x.updated_at).toISOString(), stale: false })));
    },
    async close() {
      await pool.end();
    },
  };
}
