// Keeps the SQLite and Postgres schemas in step: same tables, same columns with compatible types
// and the same nullability, same primary keys, same unique keys and indexes. The only allowed
// differences are listed here, each with its reason.
import { getTableConfig as pgTable, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteTable, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pg from './postgres.js';
import * as sqlite from './sqlite.js';

// Postgres-only columns: full-text vectors (SQLite keeps them in FTS5 tables, migrations/sqlite).
const PG_ONLY_COLUMNS = new Set(['names.search', 'posts.search']);
// Postgres-only indexes: GIN over those vectors and pg_trgm (SQLite: names_tri FTS5 table).
const PG_ONLY_INDEXES = new Set(['names_search', 'names_fold_trgm', 'posts_search']);

// Which Postgres types may stand for which SQLite type.
const COMPATIBLE: Record<string, string[]> = {
  integer: ['bigserial', 'bigint', 'integer', 'timestamp with time zone', 'boolean'],
  text: ['text', 'uuid', 'jsonb'],
  real: ['real'],
};

function tablesOf<T>(mod: Record<string, unknown>, cls: abstract new (...a: never[]) => T): T[] {
  return Object.values(mod).filter((v): v is T => v instanceof cls);
}

const sqliteTables = new Map(tablesOf(sqlite, SQLiteTable).map((t) => [sqliteTable(t).name, sqliteTable(t)]));
const pgTables = new Map(tablesOf(pg, PgTable).map((t) => [pgTable(t).name, pgTable(t)]));

describe('schema parity between SQLite and Postgres', () => {
  it('has the same tables', () => {
    expect([...sqliteTables.keys()].sort()).toEqual([...pgTables.keys()].sort());
    expect(sqliteTables.size).toBeGreaterThan(20);
  });

  for (const [name, s] of sqliteTables) {
    describe(name, () => {
      const p = pgTables.get(name)!;

      it('has the same columns with compatible types and nullability', () => {
        const pgCols = new Map(p.columns.filter((c) => !PG_ONLY_COLUMNS.has(`${name}.${c.name}`)).map((c) => [c.name, c]));
        expect([...pgCols.keys()].sort()).toEqual(s.columns.map((c) => c.name).sort());
        for (const c of s.columns) {
          const pc = pgCols.get(c.name)!;
          expect({ column: c.name, notNull: pc.notNull }).toEqual({ column: c.name, notNull: c.notNull });
          expect({ column: c.name, primary: pc.primary }).toEqual({ column: c.name, primary: c.primary });
          expect({ column: c.name, unique: pc.isUnique }).toEqual({ column: c.name, unique: c.isUnique });
          const allowed = COMPATIBLE[c.getSQLType()] ?? [c.getSQLType()];
          expect(allowed, `${name}.${c.name}: sqlite ${c.getSQLType()} vs pg ${pc.getSQLType()}`).toContain(pc.getSQLType());
        }
      });

      it('has the same primary and unique keys and indexes', () => {
        const keys = (pks: { columns: { name: string }[] }[]) => pks.map((k) => k.columns.map((c) => c.name).join(','));
        expect(keys(p.primaryKeys)).toEqual(keys(s.primaryKeys));
        const idx = (list: { config: { name?: string; unique: boolean } }[]) =>
          list.filter((i) => !PG_ONLY_INDEXES.has(i.config.name ?? "")).map((i) => `${i.config.name}${i.config.unique ? ' unique' : ''}`).sort();
        expect(idx(p.indexes)).toEqual(idx(s.indexes));
        expect(p.checks.map((c) => c.name).sort()).toEqual(s.checks.map((c) => c.name).sort());
      });

      it('has the same foreign keys', () => {
        const fks = (list: { reference: () => { columns: { name: string }[]; foreignColumns: { name: string }[] } }[]) =>
          list.map((f) => f.reference()).map((r) => `${r.columns.map((c) => c.name)}->${r.foreignColumns.map((c) => c.name)}`).sort();
        expect(fks(p.foreignKeys)).toEqual(fks(s.foreignKeys));
      });
    });
  }
});
