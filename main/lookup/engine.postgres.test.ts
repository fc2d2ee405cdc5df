import { afterAll, describe, expect, it } from 'vitest';
import { postgresAvailable, PG_URL } from '../../test/services.js';
import { lookupSuite, PEOPLE } from './engine.suite.js';
import { lookup } from './engine.js';
import { insertPeoplePostgres } from './fixtures.js';
import { PostgresLookupBackend } from './postgres-backend.js';

const available = await postgresAvailable();

describe.runIf(available)('postgres lookup backend', async () => {
  const { freshPostgresStore } = await import('../store/postgres/testing.js');
  const { createPool } = await import('../store/postgres/open.js');
  const t = await freshPostgresStore();
  const pool = createPool({ url: PG_URL, schema: t.schema, max: 2 });
  const inserted = await insertPeoplePostgres(pool, PEOPLE.map((p) => p.person));
  const backend = new PostgresLookupBackend(pool);
  afterAll(async () => {
    await pool.end();
    await t.cleanup();
  });

  lookupSuite('postgres', async () => ({ backend, inserted }));

  it('loads each hit through the store, a human with all its personas', async () => {
    const hits = await lookup(backend, t.store, 'ada', { limit: 10 });
    expect(hits.map((h) => h.person.kind)).toEqual(['human', 'persona', 'persona', 'persona']);
    const first = hits[0]!.person;
    if (first.kind !== 'human') throw new Error('expected a human');
    expect(first.human.personas.map((p) => p.id).sort()).toEqual([...inserted.personas[0]!].sort());
    expect(hits[0]!.matched).toMatchObject({ name: '@ada', tier: 'exact', externalId: 'twitter+user:1' });
  });
});
