// Opening a Skrode SQLite database safely.
//
// Before anything writes to the file we check, read-only, that it is a SQLite database at all,
// that it is not corrupt, and that it was not written by a newer Skrode (a migration journal
// ahead of ours). Any of those is refused with a clear message and the file is left untouched:
// no WAL switch, no migration, no -wal/-shm files. Only then is it opened for writing and
// migrated; a non-empty database is backed up first.

import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { readMigrationFiles, type MigrationMeta } from 'drizzle-orm/migrator';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { knownServices } from '../../model/services.js';
import { StoreError } from '../port.js';
import { packageRoot } from '../../util/worker-entry.js';

export type SqliteDb = Database.Database;

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export function sqliteMigrationsFolder(): string {
  return join(packageRoot(), 'migrations', 'sqlite');
}

let cachedMigrations: MigrationMeta[] | undefined;
export function sqliteMigrations(): MigrationMeta[] {
  return (cachedMigrations ??= readMigrationFiles({ migrationsFolder: sqliteMigrationsFolder() }));
}

export interface SchemaState {
  /** Migrations recorded in the database. */
  applied: number;
  /** Migrations this version of Skrode knows. */
  known: number;
  pending: number;
}

/** Refuse files that are not SQLite databases, before SQLite gets to touch them. */
function checkHeader(path: string): void {
  const size = statSync(path).size;
  if (size === 0) return; // an empty file is a new database
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(16);
    const n = readSync(fd, head, 0, 16, 0);
    if (n < 16 || !head.equals(SQLITE_HEADER)) {
      throw new StoreError(`${path} is not a Skrode database (not an SQLite file); refusing to open it. The file was left untouched.`, 'corrupt');
    }
  } finally {
    closeSync(fd);
  }
}

function hasTable(db: SqliteDb, name: string): boolean {
  return db.prepare("select 1 from sqlite_master where type = 'table' and name = ?").get(name) !== undefined;
}

/** Compare the migration journal recorded in the database with the one shipped in this version. */
export function schemaState(db: SqliteDb): SchemaState {
  const known = sqliteMigrations();
  if (!hasTable(db, '__drizzle_migrations')) return { applied: 0, known: known.length, pending: known.length };
  const rows = db.prepare('select hash, created_at as createdAt from __drizzle_migrations order by created_at').all() as { hash: string; createdAt: number }[];
  const newestKnown = known.at(-1)?.folderMillis ?? 0;
  const future = rows.filter((r) => Number(r.createdAt) > newestKnown);
  if (future.length > 0 || rows.length > known.length) {
    throw new StoreError(
      `this database was written by a newer version of Skrode (schema ${rows.length} > ${known.length} known here); refusing to open it. Upgrade Skrode. The file was left untouched.`,
      'version',
    );
  }
  return { applied: rows.length, known: known.length, pending: known.length - rows.length };
}

function integrityCheck(db: SqliteDb, path: string): void {
  let result: string;
  try {
    result = String(db.pragma('quick_check(1)', { simple: true }));
  } catch (e) {
    throw new StoreError(`${path} is corrupt (${(e as Error).message}); refusing to open it. The file was left untouched.`, 'corrupt');
  }
  if (result !== 'ok') throw new StoreError(`${path} is corrupt (${result}); refusing to open it. The file was left untouched.`, 'corrupt');
}

/** Open read-only for checks; translate SQLite's errors into StoreErrors that name the file. */
function inspect(path: string, quick: boolean): SchemaState {
  let db: SqliteDb;
  // A read-only connection to a WAL database leaves -wal and -shm files behind; a read-write
  // connection that writes nothing removes them when it closes and leaves the file as it was.
  // Only when a -wal or hot -journal holds content (which a read-write close would checkpoint or
  // roll back into the file) is the check made read-only.
  const sidecars = existsSync(`${path}-wal`) || existsSync(`${path}-journal`);
  try {
    db = new Database(path, { readonly: sidecars, fileMustExist: true });
  } catch (e) {
    throw new StoreError(`cannot open ${path}: ${(e as Error).message}`, 'corrupt');
  }
  try {
    try {
      db.prepare('select count(*) from sqlite_master').get();
    } catch (e) {
      throw new StoreError(`${path} is not a usable database (${(e as Error).message}); refusing to open it. The file was left untouched.`, 'corrupt');
    }
    let state: SchemaState;
    try {
      state = schemaState(db);
    } catch (e) {
      if (e instanceof StoreError) throw new StoreError(`${path}: ${e.message}`, e.kind);
      throw new StoreError(`${path} is not a usable database (${(e as Error).message}); refusing to open it. The file was left untouched.`, 'corrupt');
    }
    if (quick || state.pending > 0) integrityCheck(db, path);
    return state;
  } finally {
    db.close();
  }
}

export interface OpenOptions {
  /** Open read-only: no migration (a database needing one is refused), for reader connections. */
  readonly?: boolean;
  /** Run a full quick_check even when no migration is pending (slow on big databases). */
  verify?: boolean;
}

function configure(db: SqliteDb, readonly: boolean): void {
  db.pragma('busy_timeout = 5000');
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
  }
  db.pragma('foreign_keys = ON');
  db.pragma('temp_store = MEMORY');
  if (readonly) {
    // Readers serve lookups: a large cache and memory-mapped reads keep them in milliseconds.
    db.pragma('cache_size = -65536'); // 64 MiB
    db.pragma('mmap_size = 268435456');
  } else {
    // The writer's pages go to the WAL and come back through its own cache; mapping the file
    // only added up to 256 MiB of resident file pages to a big import's RSS, for no speed-up
    // measurable on the apply or import benchmarks.
    db.pragma('cache_size = -32768'); // 32 MiB
    db.pragma('mmap_size = 0');
    // Checkpoint every 64 MiB of WAL rather than SQLite's 4 MiB: a bulk import rewrites the same
    // index and FTS pages in batch after batch, and each checkpoint copies them to the file and
    // syncs it again. Importing 100k X tweets, checkpoints were about 1 s of the writer's ~10 s at
    // 4000 pages (none at all: commits 2.2 s -> 1.3 s); 16000 pages took the commits to 1.65 s and
    // the import 8% faster. The WAL file may reach 64 MiB on disk; a close still empties it.
    db.pragma('wal_autocheckpoint = 16000');
  }
}

/**
 * Open (creating if needed) and migrate a Skrode SQLite database. `:memory:` works for tests.
 * Throws StoreError (kind corrupt/version) without touching the file when it cannot be used.
 */
export function openSqlite(path: string, options: OpenOptions = {}): SqliteDb {
  const memory = path === ':memory:';
  const exists = !memory && existsSync(path);
  let pendingBefore = sqliteMigrations().length;
  if (exists) {
    checkHeader(path);
    pendingBefore = inspect(path, options.verify === true).pending;
  }
  if (options.readonly) {
    if (!exists) throw new StoreError(`${path} does not exist`, 'not-found');
    if (pendingBefore > 0) throw new StoreError(`${path} needs a schema upgrade; open it for writing once (any skrode command that writes) first`, 'version');
    const db = new Database(path, { readonly: true, fileMustExist: true });
    configure(db, true);
    return db;
  }
  if (!memory) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    configure(db, false);
    if (pendingBefore > 0) {
      if (exists && statSync(path).size > 0) backupBeforeMigration(db, path);
      runMigrations(db);
    }
  } catch (e) {
    db.close();
    throw e;
  }
  return db;
}

function backupBeforeMigration(db: SqliteDb, path: string): void {
  const state = schemaState(db);
  if (state.applied === 0 && !hasTable(db, 'accounts')) return;
  const target = `${path}.before-schema-${state.known}.bak`;
  db.exec(`VACUUM INTO '${target.replaceAll("'", "''")}'`);
}

/**
 * Run pending migrations. Foreign keys are switched off around them, because drizzle's
 * table-recreating migrations run inside a transaction where `PRAGMA foreign_keys=OFF` is a
 * no-op, then checked explicitly.
 */
export function runMigrations(db: SqliteDb, migrationsFolder = sqliteMigrationsFolder()): void {
  const before = hasTable(db, '__drizzle_migrations') ? (db.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number }).n : 0;
  db.pragma('foreign_keys = OFF');
  try {
    migrate(drizzle(db), { migrationsFolder });
    const bad = db.pragma('foreign_key_check') as unknown[];
    if (bad.length > 0) throw new StoreError(`migration left ${bad.length} foreign-key violations`, 'corrupt');
  } finally {
    db.pragma('foreign_keys = ON');
  }
  rebuildFtsAfter(db, migrationsFolder, before);
  seedServices(db);
}

/**
 * Migrations that create (or recreate) an FTS5 table over rows that may already exist, and the
 * tables to rebuild after them: an external-content index starts empty, and a table-recreating
 * migration leaves the old index pointing at stale rowids. Add an entry with every such migration.
 */
export const FTS_REBUILD_AFTER: Record<string, string[]> = {
  '0001_fts': ['names_fts', 'names_tri', 'posts_fts'],
};

function rebuildFtsAfter(db: SqliteDb, migrationsFolder: string, appliedBefore: number): void {
  const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
  const tables = new Set<string>();
  for (const e of journal.entries) if (e.idx >= appliedBefore) for (const t of FTS_REBUILD_AFTER[e.tag] ?? []) tables.add(t);
  if (tables.size === 0) return;
  db.transaction(() => {
    for (const t of tables) db.prepare(`insert into ${t}(${t}) values('rebuild')`).run();
  })();
}

/** The services table holds every service the model knows (INSERT OR IGNORE: user edits survive). */
export function seedServices(db: SqliteDb): void {
  const ins = db.prepare('insert or ignore into services (id, pretty_name, kind) values (?, ?, ?)');
  const url = db.prepare('insert or ignore into service_urls (service, url) values (?, ?)');
  db.transaction(() => {
    for (const s of knownServices()) {
      ins.run(s.key, s.pretty, s.kind);
      for (const d of s.domains) url.run(s.key, `https://${d}`);
    }
  })();
}
