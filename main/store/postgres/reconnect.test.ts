// A connection lost mid-call (the server killed our backend) surfaces as an error for that call,
// leaves nothing half-applied, and the next call works on a fresh connection from the pool.
// We terminate only our own backends (found by a unique application_name), never restart the
// shared server.

import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../model/observations.js';
import { postgresAvailable, PG_URL } from '../../../test/services.js';
import { openPostgresStore } from './index.js';
import { dropSchema, freshPostgresStore, randomSchema, type TestStore } from './testing.js';

/**
 * A TCP relay in front of the shared server: taking it down (all connections cut, nothing
 * listening) looks to the client exactly like a server restart, without touching the server.
 */
async function relay(target: URL): Promise<{ port: number; down(): Promise<void>; up(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => {});
          s.on('close', () => sockets.delete(s));
        }
        client.pipe(upstream).pipe(client);
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as { port: number }).port;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  await listen();
  return { port, down, up: listen, close: down };
}

const P = { source: 'reconnect-test' };

describe.runIf(await postgresAvailable())('PostgresStore: losing the connection', () => {
  const app = `skrode-test-${randomBytes(4).toString('hex')}`;
  let t: TestStore;
  let admin: pg.Client;
  beforeAll(async () => {
    t = await freshPostgresStore({ applicationName: app, max: 2 });
    admin = new pg.Client({ connectionString: PG_URL, application_name: `${app}-admin` });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await t?.cleanup();
  });

  const killOurs = async (where = '') =>
    (await admin.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = $1 ${where}`, [app])).rowCount ?? 0;

  it('a call whose backend dies mid-transaction fails, is rolled back, and the next call works', async () => {
    await t.store.apply([{ type: 'account', externalId: 'irc+user:libera/before', provenance: P }]);
    // Hold the identity lock so an apply with an identity observation blocks inside its
    // transaction, after it has written its accounts; then kill its backend.
    await admin.query('begin');
    await admin.query("select pg_advisory_xact_lock(hashtext('skrode:identity'))");
    const batch: Observation[] = [
      { type: 'account', externalId: 'irc+user:libera/lost', names: [{ name: 'lost', kind: 'nick' }], provenance: P },
      { type: 'identity', accounts: ['irc+user:libera/lost', 'irc+user:libera/before'], provenance: P },
    ];
    const pending = t.store.apply(batch);
    const failed = pending.then(
      () => null,
      (e: unknown) => e,
    );
    // Wait until the apply is blocked on the lock (it holds the transaction open).
    for (let i = 0; i < 200; i++) {
      const r = await admin.query("select 1 from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'", [app]);
      if (r.rowCount) break;
      await new Promise((res) => setTimeout(res, 25));
    }
    expect(await killOurs("and wait_event_type = 'Lock'")).toBe(1);
    const err = await failed;
    expect(err).toBeInstanceOf(Error);
    await admin.query('rollback');

    // Nothing of the failed batch was kept.
    expect(await t.store.personaOf('irc+user:libera/lost')).toBeNull();
    // The same batch applies cleanly now.
    const r = await t.store.apply(batch);
    expect(r).toMatchObject({ accounts: 1, merges: 1 });
    expect(await t.store.personaOf('irc+user:libera/lost')).toBe(await t.store.personaOf('irc+user:libera/before'));
  });

  it('idle connections killed under the pool are replaced', async () => {
    // Warm both pool connections, then kill them while idle.
    await Promise.all([t.store.counts(), t.store.person('irc+user:libera/before')]);
    expect(await killOurs()).toBeGreaterThan(0);
    // A transaction that finds its client dead before BEGIN went through takes another one, so
    // no write fails; the pool replaces the dead clients.
    for (let i = 0; i < 4; i++) {
      await t.store.apply([{ type: 'account', externalId: `irc+user:libera/after${i}`, provenance: P }]);
    }
    expect((await t.store.counts()).accounts).toBe(2 + 4);
    // Reads too: kill again, read at once.
    await t.store.counts();
    expect(await killOurs()).toBeGreaterThan(0);
    expect(await t.store.personaOf('irc+user:libera/after0')).not.toBeNull();
    expect((await t.store.person('irc+user:libera/after1'))?.kind).toBe('persona');
    process.stderr.write(`reconnect: ${t.store.deadConnections} dead pooled connection(s) replaced transparently\n`);
  });
});

describe.runIf(await postgresAvailable())('PostgresStore: the server going away and coming back', () => {
  it('fails calls while the server is down and works again once it is back, with nothing lost', async () => {
    const target = new URL(PG_URL);
    const r = await relay(target);
    const url = new URL(PG_URL);
    url.port = String(r.port);
    const schema = randomSchema();
    const store = await openPostgresStore({ url: url.toString(), schema, max: 2 });
    try {
      await store.apply([{ type: 'account', externalId: 'irc+user:libera/up', provenance: P }]);
      await r.down();
      // Down: every call fails with an error (no hang), reads and writes alike.
      await expect(store.apply([{ type: 'account', externalId: 'irc+user:libera/during', provenance: P }])).rejects.toThrow();
      await expect(store.counts()).rejects.toThrow();
      await r.up();
      // Back: the pool replaces its dead connections; committed data is all there.
      await store.apply([{ type: 'account', externalId: 'irc+user:libera/after', provenance: P }]);
      expect(await store.personaOf('irc+user:libera/up')).not.toBeNull();
      expect(await store.personaOf('irc+user:libera/during')).toBeNull();
      expect((await store.counts()).accounts).toBe(2);
    } finally {
      await store.close();
      await r.close();
      await dropSchema(schema);
    }
  });
});
