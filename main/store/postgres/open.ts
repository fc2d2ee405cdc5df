// Opening and migrating a Skrode PostgreSQL database.
//
// Every Skrode table lives in one schema (default `skrode`), so tests and several stores can
// share a database. The pg_trgm extension is installed once in `public`, which stays on the
// search path. Migrations run under an advisory lock so several hosts starting at once do not
// race, and a database migrated by a newer Skrode is refused untouched.

import pg from 'pg';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';
import { join } from 'node:path';
import { knownServices } from '../../model/services.js';
import { StoreError } from '../port.js';
import { packageRoot } from '../../util/worker-entry.js';

export interface PostgresOptions {
  /** A libpq connection string, e.g. postgres://user@127.0.0.1:5432/skrode */
  url: string;
  /** The schema holding Skrode's tables. */
  schema?: string;
  /** Pool size. */
  max?: number;
  /** Shown in pg_stat_activity, so a host's connections can be told apart. */
  applicationName?: string;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const MIGRATIONS_TABLE = '__skrode_migrations';

export function postgresMigrationsFolder(): string {
  return join(packageRoot(), 'migrations', 'postgres');
}

let cachedMigrations: MigrationMeta[] | undefined;
export function postgresMigrations(): MigrationMeta[] {
  return (cachedMigrations ??= readMigrationFiles({ migrationsFolder: postgresMigrationsFolder() }));
}

export function checkSchemaName(schema: string): string {
  if (!SCHEMA_NAME.test(schema)) throw new StoreError(`invalid Postgres schema name ${JSON.stringify(schema)} (want lower-case letters, digits and _)`, 'invalid');
  return schema;
}

export function createPool(options: PostgresOptions): pg.Pool {
  const schema = checkSchemaName(options.schema ?? 'skrode');
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.max ?? 4,
    options: `-c search_path=${schema},public`,
    connectionTimeoutMillis: 10_000,
    application_name: options.applicationName ?? 'skrode',
  });
  // An idle client that loses its server (a restart) must not crash the process; the pool
  // replaces it on the next checkout.
  pool.on('error', () => {});
  return pool;
}

async function schemaState(client: pg.PoolClient, schema: string): Promise<{ applied: number; known: number }> {
  const known = postgresMigrations();
  const exists = await client.query('select 1 from information_schema.tables where table_schema = $1 and table_name = $2', [schema, MIGRATIONS_TABLE]);
  if (exists.rowCount === 0) return { applied: 0, known: known.length };
  const rows = await client.query<{ created_at: string }>(`select created_at from "${schema}"."${MIGRATIONS_TABLE}"`);
  const newestKnown = known.at(-1)?.folderMillis ?? 0;
  if (rows.rows.some((r) => Number(r.created_at) > newestKnown) || rows.rowCount! > known.length) {
    throw new StoreError(
      `Postgres schema "${schema}" was migrated by a newer version of Skrode (schema ${rows.rowCount} > ${known.length} known here); refusing to use it. Upgrade Skrode. Nothing was changed.`,
      'version',
    );
  }
  return { applied: rows.rowCount ?? 0, known: known.length };
}

/** Create the schema if needed, refuse a newer one, run pending migrations, seed services. */
export async function migratePostgres(pool: pg.Pool, schemaOpt = 'skrode'): Promise<void> {
  const schema = checkSchemaName(schemaOpt);
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock(hashtext('skrode:migrate'))");
    try {
      const state = await schemaState(client, schema);
      if (state.applied < state.known) {
        await client.query(`create schema if not exists "${schema}"`);
        // pg_trgm lives in public for every schema; several fresh schemas created at once may race
        // on it, which the advisory lock above prevents within Skrode.
        await migrate(drizzle(client), {
          migrationsFolder: postgresMigrationsFolder(),
          migrationsSchema: schema,
          migrationsTable: MIGRATIONS_TABLE,
        });
      }
      await seedServices(client);
    } finally {
      await client.query("select pg_advisory_unlock(hashtext('skrode:migrate'))");
    }
  } finally {
    client.release();
  }
}

async function seedServices(client: pg.PoolClient): Promise<void> {
  const ids: string[] = [];
  const pretty: string[] = [];
  const kinds: string[] = [];
  const urlService: string[] = [];
  const urls: string[] = [];
  for (const s of knownServices()) {
    ids.push(s.key);
    pretty.push(s.pretty);
    kinds.push(s.kind);
    for (const d of s.domains) {
      urlService.push(s.key);
      urls.push(`https://${d}`);
    }
  }
  await client.query('insert into services (id, pretty_name, kind) select * from unnest($1::text[], $2::text[], $3::text[]) on conflict do nothing', [ids, pretty, kinds]);
  await client.query('insert into service_urls (service, url) select * from unnest($1::text[], $2::text[]) on conflict do nothing', [urlService, urls]);
}
