// `skrode export json`: stream every table of the store, in a consistent snapshot, as the
// backup format (format.ts). Reads through each dialect's own connection: a separate read-only
// SQLite connection in one read transaction, or a Postgres cursor in a repeatable-read
// transaction, so a store being written meanwhile still gives a consistent backup.

import type pg from 'pg';
import type { SqliteDb } from '../../store/sqlite/open.js';
import { BACKUP_KIND, BACKUP_VERSION, backupTables, fromPostgres, fromSqlite, type BackupEndLine, type BackupHeader, type TableSpec } from './format.js';

/** Where the lines go: resolves when the sink can take more (back-pressure). */
export type LineSink = (line: string) => Promise<void> | void;

export interface BackupSource {
  dialect: 'sqlite' | 'postgres';
  /** Rows of one table, as backup values in the spec's column order. */
  rows(table: TableSpec): AsyncIterable<unknown[]>;
  /** Runs the whole dump inside one snapshot. */
  snapshot<T>(fn: () => Promise<T>): Promise<T>;
}

const q = (name: string) => `"${name.replaceAll('"', '""')}"`;

export function sqliteBackupSource(db: SqliteDb): BackupSource {
  return {
    dialect: 'sqlite',
    async *rows(t) {
      const cols = t.columns.map((c) => q(c.name)).join(', ');
      const stmt = db.prepare(`select ${cols} from ${q(t.name)} order by ${t.key.map(q).join(', ')}`).raw(true);
      for (const row of stmt.iterate() as IterableIterator<unknown[]>) {
        yield row.map((v, i) => fromSqlite(t.columns[i]!.codec, v));
      }
    },
    async snapshot(fn) {
      db.exec('begin');
      try {
        return await fn();
      } finally {
        db.exec('commit');
      }
    },
  };
}

export function postgresBackupSource(pool: pg.Pool, batch = 1000): BackupSource {
  let client: pg.PoolClient | undefined;
  return {
    dialect: 'postgres',
    async *rows(t) {
      if (!client) throw new Error('postgres backup rows() outside snapshot()');
      const cols = t.columns.map((c) => q(c.name)).join(', ');
      // Text keys sort bytewise ("C"), as SQLite does, so both dialects list rows alike.
      const order = t.key.map((k) => (t.columns.find((c) => c.name === k)?.codec === 'text' ? `${q(k)} collate "C"` : q(k))).join(', ');
      await client.query(`declare skrode_backup no scroll cursor for select ${cols} from ${q(t.name)} order by ${order}`);
      try {
        for (;;) {
          const res = await client.query({ text: `fetch ${batch} from skrode_backup`, rowMode: 'array' });
          for (const row of res.rows as unknown[][]) yield row.map((v, i) => fromPostgres(t.columns[i]!.codec, v));
          if (res.rows.length < batch) break;
        }
      } finally {
        await client.query('close skrode_backup');
      }
    },
    async snapshot(fn) {
      client = await pool.connect();
      try {
        await client.query('begin isolation level repeatable read read only');
        try {
          return await fn();
        } finally {
          await client.query('rollback');
        }
      } finally {
        client.release();
        client = undefined;
      }
    },
  };
}

export interface DumpSummary {
  tables: number;
  rows: number;
  perTable: Record<string, number>;
}

/** Write the whole backup to `sink`, one JSON line at a time. */
export async function dumpBackup(source: BackupSource, sink: LineSink, now = new Date()): Promise<DumpSummary> {
  const tables = backupTables();
  const summary: DumpSummary = { tables: 0, rows: 0, perTable: {} };
  await source.snapshot(async () => {
    const header: BackupHeader = { skrode: BACKUP_KIND, version: BACKUP_VERSION, createdAt: now.toISOString(), dialect: source.dialect, tables: tables.map((t) => t.name) };
    await sink(JSON.stringify(header) + '\n');
    for (const t of tables) {
      await sink(JSON.stringify({ table: t.name, columns: t.columns.map((c) => c.name) }) + '\n');
      let n = 0;
      for await (const row of source.rows(t)) {
        await sink(JSON.stringify(row) + '\n');
        n++;
      }
      await sink(JSON.stringify({ end: t.name, rows: n }) + '\n');
      summary.tables++;
      summary.rows += n;
      summary.perTable[t.name] = n;
    }
    const end: BackupEndLine = { end: BACKUP_KIND, tables: summary.tables, rows: summary.rows };
    await sink(JSON.stringify(end) + '\n');
  });
  return summary;
}

/** A LineSink over a Node writable stream that waits for 'drain' when its buffer is full. */
export function streamSink(out: NodeJS.WritableStream): LineSink {
  return (line) => {
    if (out.write(line)) return;
    return new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        out.off('error', onError);
        resolve();
      };
      const onError = (e: Error) => {
        out.off('drain', onDrain);
        reject(e);
      };
      out.once('drain', onDrain);
      out.once('error', onError);
    });
  };
}
