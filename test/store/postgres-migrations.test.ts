// Each Postgres migration, tested as a step (N-1 -> N), plus the refusal of a schema migrated by a
// newer Skrode and concurrent start-up of several hosts.
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import type pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createPool, migratePostgres, postgresMigrations } from '../../main/store/postgres/open.js';
import { StoreError } from '../../main/store/port.js';
import { PG_URL, postgresAvailable } from '../services.js';
import { journal, migrationsUpTo } from './migration-steps.js';

const available = await postgresAvailable();
const pools: { pool: pg.Pool; schema: string }[] = [];

function freshSchema(): { pool: pg.Pool; schema: string } {
  const schema = `t_mig_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const entry = { pool: createPool({ url: PG_URL, schema }), schema };
  pools.push(entry);
  return entry;
}

afterEach(async () => {
  for (const { pool, schema } of pools.splice(0)) {
    await pool.query(`drop schema if exists "${schema}" cascade`);
    await pool.end();
  }
});

async function tables(pool: pg.Pool, schema: string): Promise<string[]> {
  const r = await pool.query<{ t: string }>('select table_name as t from information_schema.tables where table_schema = $1 order by 1', [schema]);
  return r.rows.map((x) => x.t);
}

async function migrateTo(pool: pg.Pool, schema: string, count: number): Promise<void> {
  await pool.query(`create schema if not exists "${schema}"`);
  const client = await pool.connect();
  try {
    await migrate(drizzle(client), { migrationsFolder: migrationsUpTo('postgres', count), migrationsSchema: schema, migrationsTable: '__skrode_migrations' });
  } finally {
    client.release();
  }
}

describe.runIf(available)('Postgres migrations', () => {
  it('ships the migrations the journal lists, extensions first', () => {
    const j = journal('postgres');
    expect(j.entries.map((e) => e.tag)).toEqual(['0000_extensions', '0001_schema', '0002_lookup_indexes', '0003_suggestions']);
    expect(postgresMigrations()).toHaveLength(j.entries.length);
  });

  it('0000_extensions: pg_trgm is available afterwards', async () => {
    const { pool, schema } = freshSchema();
    await migrateTo(pool, schema, 1);
    const r = await pool.query("select similarity('lovelace', 'lovelase') > 0.3 as close");
    expect(r.rows[0].close).toBe(true);
  });

  it('0001_schema: creates the data model with its full-text and trigram indexes', async () => {
    const { pool, schema } = freshSchema();
    await migrateTo(pool, schema, 1);
    expect(await tables(pool, schema)).toEqual(['__skrode_migrations']);
    await migratePostgres(pool, schema);
    const t = await tables(pool, schema);
    for (const name of ['accounts', 'names', 'posts', 'personas', 'humans', 'merge_log', 'jobs', 'worker_status']) expect(t).toContain(name);
    const idx = await pool.query<{ indexname: string; indexdef: string }>('select indexname, indexdef from pg_indexes where schemaname = $1', [schema]);
    const byName = new Map(idx.rows.map((r) => [r.indexname, r.indexdef]));
    expect(byName.get('names_fold_trgm')).toMatch(/gin .*gin_trgm_ops/i);
    expect(byName.get('posts_search')).toMatch(/gin/i);
    // The generated tsvector column really follows the text.
    await pool.query("insert into personas (id, created_at) values ('00000000-0000-4000-8000-000000000001', now())");
    await pool.query("insert into accounts (external_id, service, persona) values ('twitter+user:1', 'twitter', '00000000-0000-4000-8000-000000000001')");
    await pool.query("insert into posts (external_id, service, poster, text) values ('twitter+tweet:1', 'twitter', 1, 'Analytical engines weave algebraic patterns')");
    const hit = await pool.query("select count(*)::int as n from posts where search @@ to_tsquery('simple', 'algebra:*')");
    expect(hit.rows[0].n).toBe(1);
    // Services are seeded.
    const s = await pool.query("select pretty_name from services where id = 'github'");
    expect(s.rows[0].pretty_name).toBe('GitHub');
  });

  it('0002_lookup_indexes: replaces the single-column name indexes with covering ones, keeping rows', async () => {
    const { pool, schema } = freshSchema();
    await migrateTo(pool, schema, 2);
    await pool.query("insert into services (id, pretty_name, kind) values ('github', 'GitHub', 'social')");
    await pool.query("insert into personas (id, created_at) values ('00000000-0000-4000-8000-000000000002', now())");
    await pool.query("insert into accounts (external_id, service, persona) values ('github+user:ada', 'github', '00000000-0000-4000-8000-000000000002')");
    await pool.query("insert into names (account, name, kind, fold, last_seen) select id, 'Ada', 'display', 'ada', now() from accounts");
    await migratePostgres(pool, schema);
    const idx = await pool.query<{ indexname: string; indexdef: string }>('select indexname, indexdef from pg_indexes where schemaname = $1 and tablename = $2', [schema, 'names']);
    const names = idx.rows.map((r) => r.indexname);
    expect(names).toEqual(expect.arrayContaining(['names_fold_last_seen', 'names_last_seen_fold', 'names_fold_trgm', 'names_search']));
    expect(names).not.toContain('names_fold');
    expect(names).not.toContain('names_last_seen');
    expect(idx.rows.find((r) => r.indexname === 'names_fold_last_seen')!.indexdef).toMatch(/fold text_pattern_ops, last_seen/);
    expect((await pool.query('select name from names')).rows).toEqual([{ name: 'Ada' }]);
  });

  it('0003_suggestions: adds the suggestion tables, keeping rows', async () => {
    const { pool, schema } = freshSchema();
    await migrateTo(pool, schema, 3);
    await pool.query("insert into ingest_cursors (source, key, value, updated_at) values ('mbox', '/m.mbox', '{}', now())");
    await migratePostgres(pool, schema);
    expect(await tables(pool, schema)).toEqual(expect.arrayContaining(['suggestions', 'suggestion_sightings']));
    expect((await pool.query('select key from ingest_cursors')).rows).toEqual([{ key: '/m.mbox' }]);
    await pool.query("insert into suggestions (address, names, source, updated_at) values ('ada@example.org', '[\"Ada\"]', 'mbox /m.mbox', now())");
    await pool.query("insert into suggestion_sightings (address, message) values ('ada@example.org', 'email+msg:1')");
    await expect(pool.query("insert into suggestions (address, names, source, state, updated_at) values ('b@example.org', '[]', 'x', 'maybe', now())")).rejects.toThrow(/suggestions_state/);
    await expect(pool.query("insert into suggestion_sightings (address, message) values ('nobody@example.org', 'email+msg:1')")).rejects.toThrow(/foreign key/);
    const r = await pool.query("select state, count from suggestions where address = 'ada@example.org'");
    expect(r.rows).toEqual([{ state: 'pending', count: 0 }]);
  });

  it('is idempotent and safe when several hosts start at once', async () => {
    const { pool, schema } = freshSchema();
    const other = createPool({ url: PG_URL, schema });
    try {
      await Promise.all([migratePostgres(pool, schema), migratePostgres(other, schema), migratePostgres(pool, schema)]);
      const n = await pool.query(`select count(*)::int as n from "${schema}".__skrode_migrations`);
      expect(n.rows[0].n).toBe(postgresMigrations().length);
    } finally {
      await other.end();
    }
  });

  it('refuses a schema migrated by a newer Skrode and changes nothing', async () => {
    const { pool, schema } = freshSchema();
    await migratePostgres(pool, schema);
    await pool.query(`insert into "${schema}".__skrode_migrations (hash, created_at) values ('future', $1)`, [Date.now() + 10 * 365 * 86400e3]);
    const before = await tables(pool, schema);
    const err = await migratePostgres(pool, schema).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).kind).toBe('version');
    expect((err as Error).message).toMatch(/newer version of Skrode/);
    expect(await tables(pool, schema)).toEqual(before);
  });

  it('rejects schema names that could inject SQL', () => {
    expect(() => createPool({ url: PG_URL, schema: 'x"; drop table y; --' })).toThrow(/invalid Postgres schema name/);
  });
});
