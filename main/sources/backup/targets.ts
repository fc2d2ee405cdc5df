// Where a backup is restored: the SQLite writer connection (through writer-thread methods, since
// the writer owns the only write connection) or a Postgres pool. Both insert rows in batches,
// and when a batch fails they retry it row by row, so one bad row is reported and skipped
// rather than losing its neighbours.

import type pg from 'pg';
import type { SqliteDb } from '../../store/sqlite/open.js';
import { StoreError } from '../../store/port.js';
import { TABLE_ORDER, toSqlite, type ColumnSpec, type TableSpec } from '../../export/backup/format.js';
import { seedServices } from '../../store/sqlite/open.js';

export interface RowFailure {
  /** Index of the row within the batch given to insert(). */
  index: number;
  reason: string;
}

export interface RestoreTarget {
  /** Refuse a store that already holds people or posts; clear the seeded service URLs. */
  begin(): Promise<void>;
  insert(table: TableSpec, columns: ColumnSpec[], rows: unknown[][]): Promise<RowFailure[]>;
  /** Rebuild derived state (full-text indexes, sequences) and check integrity. */
  finish(): Promise<void>;
  /** Give up: Postgres rolls everything back; SQLite empties the tables it was filling. */
  abort(): Promise<void>;
}

// Tables whose rows mean the store is in use. Services are seeded in every new store.
const CONTENT_TABLES = ['humans', 'personas', 'accounts', 'names', 'posts', 'notes', 'merge_log', 'evidence', 'lists', 'anti_links'];

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

function notEmptyError(counts: Record<string, number>): StoreError {
  const what = Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([t, n]) => `${n} ${t}`)
    .join(', ');
  return new StoreError(`a backup can only be restored into an empty store; this one has ${what}. Restore into a new database (skrode --db NEW.sqlite import BACKUP).`, 'conflict');
}

// ---------- SQLite (runs on the writer thread) ----------

function sqliteInsertSql(table: TableSpec, columns: ColumnSpec[]): string {
  const cols = columns.map((c) => q(c.name)).join(', ');
  const params = columns.map(() => '?').join(', ');
  // Services are seeded in every store: the backup's rows replace the seeded ones.
  const upsert =
    table.name === 'services'
      ? ` on conflict(id) do update set ${columns
          .filter((c) => c.name !== 'id')
          .map((c) => `${q(c.name)} = excluded.${q(c.name)}`)
          .join(', ')}`
      : '';
  return `insert into ${q(table.name)} (${cols}) values (${params})${upsert}`;
}

/** The writer-thread methods behind the SQLite target (registered in writer-registration.ts). */
export function sqliteRestoreMethods(db: SqliteDb) {
  // Tables that were empty when the restore began: an aborted restore empties them again.
  let emptyAtBegin: string[] = [];
  const rebuildFts = () => {
    // The full-text tables are external-content indexes over names and posts: rebuild them.
    for (const fts of ['names_fts', 'names_tri', 'posts_fts']) {
      const exists = db.prepare("select 1 from sqlite_master where name = ? and type = 'table'").get(fts);
      if (exists) db.prepare(`insert into ${q(fts)}(${q(fts)}) values ('rebuild')`).run();
    }
  };
  return {
    'backup.begin': () => {
      const counts: Record<string, number> = {};
      for (const t of CONTENT_TABLES) counts[t] = (db.prepare(`select count(*) as n from ${q(t)}`).get() as { n: number }).n;
      if (Object.values(counts).some((n) => n > 0)) throw notEmptyError(counts);
      emptyAtBegin = TABLE_ORDER.filter((t) => t !== 'services' && t !== 'service_urls' && (db.prepare(`select count(*) as n from ${q(t)}`).get() as { n: number }).n === 0);
      db.prepare('delete from service_urls').run();
    },
    'backup.abort': () => {
      db.transaction(() => {
        for (const t of [...emptyAtBegin].reverse()) db.prepare(`delete from ${q(t)}`).run();
        rebuildFts();
      })();
      seedServices(db);
      emptyAtBegin = [];
    },
    'backup.insert': (table: TableSpec, columns: ColumnSpec[], rows: unknown[][]): RowFailure[] => {
      const stmt = db.prepare(sqliteInsertSql(table, columns));
      const bind = (row: unknown[]) => row.map((v, i) => toSqlite(columns[i]!.codec, v));
      try {
        db.transaction(() => {
          for (const row of rows) stmt.run(bind(row));
        })();
        return [];
      } catch {
        // Find the bad rows one by one; the good ones are kept.
        const failures: RowFailure[] = [];
        rows.forEach((row, index) => {
          try {
            stmt.run(bind(row));
          } catch (e) {
            failures.push({ index, reason: (e as Error).message });
          }
        });
        return failures;
      }
    },
    'backup.finish': () => {
      rebuildFts();
      emptyAtBegin = [];
      const bad = db.pragma('foreign_key_check') as unknown[];
      if (bad.length > 0) throw new StoreError(`the restored data has ${bad.length} rows pointing at rows that are not there`, 'corrupt');
    },
  };
}

/** The part of the SQLite store the restore needs: its writer thread. */
export interface SqliteWriterHandle {
  writer: { call<T>(method: string, ...args: unknown[]): Promise<T> };
}

export function sqliteRestoreTarget(store: SqliteWriterHandle): RestoreTarget {
  return {
    begin: () => store.writer.call('backup.begin'),
    insert: (table, columns, rows) => store.writer.call('backup.insert', table, columns, rows),
    finish: () => store.writer.call('backup.finish'),
    abort: () => store.writer.call('backup.abort'),
  };
}

/** The same methods called directly on a connection (tests, and tools that own the file). */
export function directSqliteRestoreTarget(db: SqliteDb): RestoreTarget {
  const m = sqliteRestoreMethods(db);
  return {
    begin: async () => m['backup.begin'](),
    insert: async (table, columns, rows) => m['backup.insert'](table, columns, rows),
    finish: async () => m['backup.finish'](),
    abort: async () => m['backup.abort'](),
  };
}

// ---------- Postgres ----------

/**
 * Restores in ONE transaction (all or nothing at the database level); each batch runs under a
 * savepoint, so a bad row is found and skipped without aborting the rest.
 */
export function postgresRestoreTarget(pool: pg.Pool): RestoreTarget {
  let client: pg.PoolClient | undefined;
  const sp = async <T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> => {
    const c = client!;
    await c.query('savepoint skrode_restore');
    try {
      const r = await fn(c);
      await c.query('release savepoint skrode_restore');
      return r;
    } catch (e) {
      await c.query('rollback to savepoint skrode_restore');
      throw e;
    }
  };
  const insertSql = (table: TableSpec, columns: ColumnSpec[]) => {
    const cols = columns.map((c) => q(c.name)).join(', ');
    const upsert =
      table.name === 'services'
        ? ` on conflict (id) do update set ${columns
            .filter((c) => c.name !== 'id')
            .map((c) => `${q(c.name)} = excluded.${q(c.name)}`)
            .join(', ')}`
        : '';
    // json_populate_recordset converts each JSON field to its column's type (timestamptz, jsonb ...).
    return `insert into ${q(table.name)} (${cols}) select ${cols} from json_populate_recordset(null::${q(table.name)}, $1::json)${upsert}`;
  };
  const asRecords = (columns: ColumnSpec[], rows: unknown[][]) =>
    JSON.stringify(rows.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, pgValue(c, row[i])]))));
  return {
    async begin() {
      client = await pool.connect();
      await client.query('begin');
      const counts: Record<string, number> = {};
      for (const t of CONTENT_TABLES) counts[t] = Number((await client.query(`select count(*) as n from ${q(t)}`)).rows[0].n);
      if (Object.values(counts).some((n) => n > 0)) {
        await this.abort();
        throw notEmptyError(counts);
      }
      await client.query('delete from service_urls');
    },
    async insert(table, columns, rows) {
      const sql = insertSql(table, columns);
      try {
        await sp((c) => c.query(sql, [asRecords(columns, rows)]));
        return [];
      } catch {
        const failures: RowFailure[] = [];
        for (let index = 0; index < rows.length; index++) {
          try {
            await sp((c) => c.query(sql, [asRecords(columns, [rows[index]!])]));
          } catch (e) {
            failures.push({ index, reason: (e as Error).message });
          }
        }
        return failures;
      }
    },
    async finish() {
      const c = client!;
      const { backupTables } = await import('../../export/backup/format.js');
      for (const t of backupTables()) {
        if (!t.serialId) continue;
        // Restored rows carry their ids; the sequence must continue after the largest one.
        await c.query(`select setval(pg_get_serial_sequence($1, 'id'), coalesce((select max(id) from ${q(t.name)}), 0) + 1, false)`, [t.name]);
      }
      await c.query('commit');
      c.release();
      client = undefined;
    },
    async abort() {
      if (!client) return;
      try {
        await client.query('rollback');
      } finally {
        client.release();
        client = undefined;
      }
    },
  };
}

/** JSON columns travel as JSON; a raw-text wrapper (from a SQLite column that held non-JSON) becomes a JSON string. */
function pgValue(c: ColumnSpec, v: unknown): unknown {
  if (c.codec === 'json' && v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && '$skrode-raw-text' in v) {
    return (v as Record<string, unknown>)['$skrode-raw-text'];
  }
  return v;
}
