// Test helpers: a Postgres store in a fresh schema of its own (random name), dropped on cleanup,
// so tests share the server without seeing each other.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { PG_URL } from '../../../test/services.js';
import { openPostgresStore } from './index.js';
import type { PostgresStore } from './store.js';

export function randomSchema(prefix = 'skrode_t'): string {
  return `${prefix}_${randomBytes(6).toString('hex')}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await c.end();
  }
}

export interface TestStore {
  store: PostgresStore;
  schema: string;
  cleanup(): Promise<void>;
}

/** A migrated store in a new schema; `cleanup` closes it and drops the schema. */
export async function freshPostgresStore(options: { schema?: string; applicationName?: string; max?: number } = {}): Promise<TestStore> {
  const schema = options.schema ?? randomSchema();
  const store = await openPostgresStore({ url: PG_URL, schema, applicationName: options.applicationName, max: options.max });
  return {
    store,
    schema,
    async cleanup() {
      await store.close();
      await dropSchema(schema);
    },
  };
}
