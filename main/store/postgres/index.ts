// The PostgreSQL Store adapter: open (create the schema, migrate, seed) and return the store.

import { createPool, migratePostgres, type PostgresOptions } from './open.js';
import { PostgresStore, type PostgresStoreOptions } from './store.js';

export { PostgresStore } from './store.js';
export { createPool, migratePostgres, type PostgresOptions } from './open.js';

export async function openPostgresStore(options: PostgresOptions & PostgresStoreOptions): Promise<PostgresStore> {
  const pool = createPool(options);
  try {
    await migratePostgres(pool, options.schema ?? 'skrode');
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
  return new PostgresStore(pool, { retries: options.retries });
}
