// Opening the lookup engine for the store the user configured, as cheaply as possible:
// `skrode whois` on SQLite opens the file read-only with better-sqlite3 alone (no writer thread,
// no drizzle, no migrations); on Postgres it opens the store (for person()) and a small pool.
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import path from 'node:path';
import type { StoreDescriptor } from '../config/index.js';
import { StoreError } from '../store/port.js';
import type { LookupBackend } from './backend.js';
import type { PersonSource } from './engine.js';

export interface OpenedLookup {
  backend: LookupBackend;
  people: PersonSource;
  close(): Promise<void>;
}

export interface OpenLookupOptions {
  /** The root `--db PATH`. */
  db?: string | undefined;
  /** The root `-c/--config FILE`. */
  config?: string | undefined;
}

const SQLITE_HEADER = 'SQLite format 3\0';
const NEEDED_TABLES = ['names', 'names_fts', 'names_tri', 'accounts', 'personas', 'persona_control', 'humans'];

function checkHeader(file: string): void {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(16);
    const n = readSync(fd, head, 0, 16, 0);
    if (n < 16 || head.toString('latin1') !== SQLITE_HEADER) throw new StoreError(`${file} is not a Skrode database (not an SQLite file)`, 'corrupt');
  } finally {
    closeSync(fd);
  }
}

/** Open a Skrode SQLite database read-only for lookups. */
export async function openSqliteLookup(file: string): Promise<OpenedLookup> {
  if (!existsSync(file)) throw new StoreError(`${file} does not exist`, 'not-found');
  checkHeader(file);
  const { default: Database } = await import('better-sqlite3');
  let db: InstanceType<typeof Database>;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.pragma('cache_size = -65536');
    // Lookups touch rows all over the file (index range, then each row): reading through a
    // memory map costs no copy per page. Address space only; the OS pages it in as needed.
    db.pragma('mmap_size = 4294967296');
    const have = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name));
    const missing = NEEDED_TABLES.filter((t) => !have.has(t));
    if (missing.length > 0) {
      db.close();
      throw new StoreError(`${file} is not a Skrode database, or needs a schema upgrade (no ${missing.join(', ')}); open it once with a command that writes`, 'version');
    }
  } catch (e) {
    if (e instanceof StoreError) throw e;
    throw new StoreError(`cannot read ${file}: ${(e as Error).message}`, 'corrupt');
  }
  const [{ SqliteLookupBackend }, { SqliteReads }] = await Promise.all([import('./sqlite-backend.js'), import('../store/sqlite/reads.js')]);
  const reads = new SqliteReads(db);
  return {
    backend: new SqliteLookupBackend(db),
    people: { person: async (id) => reads.person(id) },
    close: async () => {
      db.close();
    },
  };
}

/** Open a Postgres store (for person()) and a pool for the lookup backend. */
export async function openPostgresLookup(target: Extract<StoreDescriptor, { kind: 'postgres' }>): Promise<OpenedLookup> {
  const [{ openStore }, { createPool }, { PostgresLookupBackend }] = await Promise.all([
    import('../store/from-config.js'),
    import('../store/postgres/open.js'),
    import('./postgres-backend.js'),
  ]);
  const store = await openStore(target);
  const pool = createPool({ url: target.url, schema: target.schema, max: 2 });
  return {
    backend: new PostgresLookupBackend(pool),
    people: store,
    close: async () => {
      await pool.end();
      await store.close();
    },
  };
}

/** The configured store: `--db` wins, else the config file's store, else the default SQLite file. */
export async function openLookup(options: OpenLookupOptions): Promise<OpenedLookup> {
  if (options.db !== undefined && options.db !== '') {
    const { expandHome } = await import('../util/data-dir.js');
    return openSqliteLookup(path.resolve(expandHome(options.db)));
  }
  const { configuredStore } = await import('../store/from-config.js');
  const target = await configuredStore({ config: options.config });
  return target.kind === 'sqlite' ? openSqliteLookup(target.path) : openPostgresLookup(target);
}
