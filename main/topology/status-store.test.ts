// The heartbeat stores, one behaviour on each backend: rows replace by (host, worker, replica),
// clearHost forgets one host, old rows are marked stale (stopped and parked ones never are).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { WorkerStatusDto } from '../../shared/topology.js';
import { PG_URL, postgresAvailable, REDIS_URL, redisAvailable } from '../../test/services.js';
import { dropSchema, randomSchema } from '../store/postgres/testing.js';
import { postgresStatusStore, redisStatusStore, sqliteStatusStore, type StatusStore } from './status-store.js';

const row = (host: string, worker: string, replica: number, o: Partial<WorkerStatusDto> = {}): WorkerStatusDto => ({
  host,
  worker,
  replica,
  state: 'running',
  restarts: 0,
  done: 0,
  failed: 0,
  lastError: null,
  updatedAt: new Date().toISOString(),
  stale: false,
  ...o,
});

function statusStoreBehaviour(name: string, make: () => Promise<StatusStore>) {
  it(`${name}: keeps one row per replica, forgets a host, marks silent ones stale`, async () => {
    const s = await make();
    try {
      const old = new Date(Date.now() - 60_000).toISOString();
      await s.write([row('a', 'm', 0, { done: 1 }), row('a', 'm', 1), row('b', 'm', 0, { updatedAt: old }), row('b', 'p', 0, { state: 'parked', updatedAt: old, lastError: 'boom' })]);
      await s.write([row('a', 'm', 0, { done: 7, failed: 2, lastError: 'x', restarts: 1 })]);
      let rows = await s.read();
      expect(rows.map((r) => `${r.host} ${r.worker}#${r.replica} ${r.state} ${r.done}/${r.failed} ${r.stale}`)).toEqual([
        'a m#0 running 7/2 false',
        'a m#1 running 0/0 false',
        'b m#0 running 0/0 true',
        'b p#0 parked 0/0 false',
      ]);
      expect(rows[0]).toMatchObject({ restarts: 1, lastError: 'x' });
      expect(rows[3]!.lastError).toBe('boom');
      await s.clearHost('b');
      rows = await s.read();
      expect(rows.map((r) => r.host)).toEqual(['a', 'a']);
    } finally {
      await s.close();
    }
  });
}

const haveRedis = await redisAvailable();
const havePostgres = await postgresAvailable();

describe('status stores', () => {
  const dir = mkdtempSync(join(tmpdir(), 'skrode-status-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  statusStoreBehaviour('sqlite', () => sqliteStatusStore(join(dir, 's.db')));

  describe.runIf(haveRedis)('redis', () => {
    const prefix = `skrode-status-${randomBytes(4).toString('hex')}`;
    afterAll(async () => {
      const r = new Redis(REDIS_URL);
      await r.del(`${prefix}:topology:workers`);
      r.disconnect();
    });
    const u = new URL(REDIS_URL);
    statusStoreBehaviour('redis', () => redisStatusStore({ kind: 'redis', host: u.hostname, port: Number(u.port || 6379), db: 0, prefix }));
  });

  describe.runIf(havePostgres)('postgres', () => {
    const schema = randomSchema('skrode_status');
    afterAll(() => dropSchema(schema));
    statusStoreBehaviour('postgres', () => postgresStatusStore({ kind: 'postgres', url: PG_URL, schema }));
  });
});
