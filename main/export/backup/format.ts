// The JSON backup format (docs/backup-format.md): JSON lines, one header, then for each table a
// table line, one line per row (an array of values in the table line's column order) and an end
// line with the row count, then a final end line. Values are dialect-neutral, so a SQLite backup
// restores into Postgres and back: times as ISO-8601 strings, JSON columns as JSON values,
// booleans as true/false.
//
// The table list and each column's codec come from the Postgres schema (it has the richer types);
// the SQLite schema has the same tables and columns (schema-parity.test.ts keeps them in step).

import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import * as pgSchema from '../../store/schema/postgres.js';

export const BACKUP_KIND = 'backup';
export const BACKUP_VERSION = 1;

export type Codec = 'text' | 'uuid' | 'int' | 'real' | 'bool' | 'time' | 'json';

export interface ColumnSpec {
  name: string;
  codec: Codec;
  notNull: boolean;
}

export interface TableSpec {
  name: string;
  columns: ColumnSpec[];
  /** Primary-key columns, for a stable row order. */
  key: string[];
  /** Whether `id` is a serial whose sequence must follow restored ids (Postgres). */
  serialId: boolean;
}

/**
 * Tables in an order where every foreign key points at an earlier table, so rows can be
 * inserted as they are read. A test checks this covers every table of both schemas.
 */
export const TABLE_ORDER = [
  'services',
  'service_urls',
  'humans',
  'personas',
  'persona_control',
  'accounts',
  'names',
  'account_relationships',
  'lists',
  'list_membership',
  'posts',
  'post_relationships',
  'post_distribution',
  'post_interactions',
  'links',
  'evidence',
  'anti_links',
  'merge_log',
  'sources',
  'ingest_cursors',
  'notes',
  'jobs',
  'worker_status',
  'suggestions',
  'suggestion_sightings',
] as const;

const CODECS: Record<string, Codec> = {
  PgText: 'text',
  PgUUID: 'uuid',
  PgBigSerial53: 'int',
  PgBigInt53: 'int',
  PgInteger: 'int',
  PgReal: 'real',
  PgDoublePrecision: 'real',
  PgBoolean: 'bool',
  PgTimestamp: 'time',
  PgJsonb: 'json',
};

let cached: TableSpec[] | undefined;

export function backupTables(): TableSpec[] {
  if (cached) return cached;
  const byName = new Map<string, TableSpec>();
  for (const value of Object.values(pgSchema)) {
    let config;
    try {
      config = getTableConfig(value as PgTable);
    } catch {
      continue; // not a table
    }
    if (!config?.name || !Array.isArray(config.columns)) continue;
    const columns: ColumnSpec[] = [];
    for (const c of config.columns) {
      if (c.generated) continue; // derived (tsvector search columns): recomputed by the database
      const codec = CODECS[c.columnType];
      if (!codec) throw new Error(`backup: no codec for ${config.name}.${c.name} (${c.columnType})`);
      columns.push({ name: c.name, codec, notNull: c.notNull });
    }
    const primary = config.columns.filter((c) => c.primary).map((c) => c.name);
    const key = primary.length > 0 ? primary : (config.primaryKeys[0]?.columns.map((c) => c.name) ?? columns.map((c) => c.name));
    const serialId = config.columns.some((c) => c.name === 'id' && c.columnType === 'PgBigSerial53');
    byName.set(config.name, { name: config.name, columns, key, serialId });
  }
  const ordered: TableSpec[] = [];
  for (const name of TABLE_ORDER) {
    const t = byName.get(name);
    if (!t) throw new Error(`backup: table ${name} is not in the schema`);
    ordered.push(t);
    byName.delete(name);
  }
  if (byName.size > 0) throw new Error(`backup: tables missing from TABLE_ORDER: ${[...byName.keys()].join(', ')}`);
  return (cached = ordered);
}

// --- lines of the file ---

export interface BackupHeader {
  skrode: typeof BACKUP_KIND;
  version: number;
  createdAt: string;
  /** The dialect the backup was taken from (informational: values are dialect-neutral). */
  dialect: 'sqlite' | 'postgres';
  tables: string[];
}

export interface TableLine {
  table: string;
  columns: string[];
}

export interface TableEndLine {
  end: string;
  rows: number;
}

export interface BackupEndLine {
  end: typeof BACKUP_KIND;
  tables: number;
  rows: number;
}

/** A JSON column whose stored text was not valid JSON (SQLite only) travels as this wrapper. */
export const RAW_TEXT_KEY = '$skrode-raw-text';

// --- value codecs ---

/** A SQLite value (integers for times and booleans, text for JSON) → its backup value. */
export function fromSqlite(codec: Codec, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (codec) {
    case 'time':
      return new Date(Number(v)).toISOString();
    case 'bool':
      return Number(v) !== 0;
    case 'json':
      try {
        return JSON.parse(String(v));
      } catch {
        return { [RAW_TEXT_KEY]: String(v) };
      }
    case 'int':
    case 'real':
      return typeof v === 'bigint' ? Number(v) : v;
    default:
      return v;
  }
}

/** A Postgres value as node-postgres returns it → its backup value. */
export function fromPostgres(codec: Codec, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (codec) {
    case 'time':
      return (v instanceof Date ? v : new Date(String(v))).toISOString();
    case 'int':
    case 'real':
      return Number(v); // int8 arrives as a string
    default:
      return v;
  }
}

export class BackupValueError extends Error {
  override name = 'BackupValueError';
}

/** Check a backup value against its column, so a hostile file fails with a clear reason. */
export function checkValue(col: ColumnSpec, v: unknown): void {
  const bad = (want: string) => new BackupValueError(`column ${col.name}: want ${want}, got ${JSON.stringify(v)?.slice(0, 60)}`);
  if (v === null) {
    if (col.notNull) throw bad('a value (the column is NOT NULL)');
    return;
  }
  switch (col.codec) {
    case 'text':
      if (typeof v !== 'string') throw bad('a string');
      return;
    case 'uuid':
      if (typeof v !== 'string' || !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) throw bad('a UUID');
      return;
    case 'int':
      if (!Number.isSafeInteger(v)) throw bad('an integer');
      return;
    case 'real':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad('a number');
      return;
    case 'bool':
      if (typeof v !== 'boolean') throw bad('true or false');
      return;
    case 'time':
      if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T/.test(v) || Number.isNaN(Date.parse(v))) throw bad('an ISO-8601 time');
      return;
    case 'json':
      return;
  }
}

/** A backup value → the value to bind in SQLite. */
export function toSqlite(codec: Codec, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (codec) {
    case 'time':
      return Date.parse(String(v));
    case 'bool':
      return v ? 1 : 0;
    case 'json':
      if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && RAW_TEXT_KEY in v) return String((v as Record<string, unknown>)[RAW_TEXT_KEY]);
      return JSON.stringify(v);
    default:
      return v;
  }
}
