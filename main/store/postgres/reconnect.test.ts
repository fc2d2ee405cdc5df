// A connection lost mid-call (the server killed our backend) surfaces as an error for that call,
// leaves nothing half-applied, and the next call works on a fresh connection from the pool.
// We terminate only our own backends (found by a unique application_name), never restart the
// shared server.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../model/observations.js';
import { postgresAvailable, PG_URL } from '../../../test/services.js';
import { freshPostgresStore, type TestStore } from './testing.js';

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
