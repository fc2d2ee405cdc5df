// openSqlite refuses files it must not touch (not SQLite, corrupt, written by a newer Skrode)
// and leaves them byte-identical, with no -wal/-shm files beside them.
import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StoreError } from '../port.js';
import { openSqlite, sqliteMigrations } from './open.js';
import { openSqliteStore } from './index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skrode-open-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A real, migrated Skrode database with some rows, closed cleanly (no -wal left). */
function makeDb(name = 'skrode.db', rows = 2000): string {
  const path = join(dir, name);
  const db = openSqlite(path);
  const persona = db.prepare("insert into personas (id, created_at) values ('p1', 0)");
  persona.run();
  const acc = db.prepare("insert into accounts (external_id, service, persona) values (?, 'twitter', 'p1')");
  db.transaction(() => {
    for (let i = 0; i < rows; i++) acc.run(`twitter+user:${i}-${'x'.repeat(40)}`);
  })();
  db.close();
  expect(existsSync(`${path}-wal`)).toBe(false);
  return path;
}

function expectRefused(path: string, kind: StoreError['kind'], message: RegExp, options: { verify?: boolean; readonly?: boolean } = {}): void {
  const before = readFileSync(path);
  let err: unknown;
  try {
    openSqlite(path, options).close();
  } catch (e) {
    err = e;
  }
  expect(err, 'expected openSqlite to refuse the file').toBeInstanceOf(StoreError);
  expect((err as StoreError).kind).toBe(kind);
  expect((err as Error).message).toMatch(message);
  expect((err as Error).message).toContain(path);
  expect(readFileSync(path).equals(before), 'file changed').toBe(true);
  expect(existsSync(`${path}-wal`), '-wal created').toBe(false);
  expect(existsSync(`${path}-shm`), '-shm created').toBe(false);
}

describe('openSqlite', () => {
  it('creates, migrates and reopens a database', () => {
    const path = makeDb();
    const db = openSqlite(path);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare('select count(*) as n from accounts').get()).toEqual({ n: 2000 });
    expect(db.prepare('select count(*) as n from __drizzle_migrations').get()).toEqual({ n: sqliteMigrations().length });
    db.close();
    const ro = openSqlite(path, { readonly: true });
    expect(() => ro.prepare("insert into personas (id, created_at) values ('p2', 0)").run()).toThrow(/readonly/);
    ro.close();
  });

  it('refuses a file that is not SQLite', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'These are my notes, not a database.\n'.repeat(200));
    expectRefused(path, 'corrupt', /not a Skrode database \(not an SQLite file\)/);
    const short = join(dir, 'short.db');
    writeFileSync(short, 'SQLite');
    expectRefused(short, 'corrupt', /not an SQLite file/);
  });

  it('refuses a database whose schema pages are damaged', () => {
    const path = makeDb();
    const bytes = readFileSync(path);
    // Page 1 holds sqlite_master's b-tree after the 100-byte file header: break its page header.
    bytes.fill(0xff, 100, 108);
    writeFileSync(path, bytes);
    expectRefused(path, 'corrupt', /corrupt|not a usable database|malformed/);
  });

  it('refuses a database with damaged data pages when asked to verify', () => {
    const path = makeDb('data.db', 5000);
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    const pages = bytes.length / pageSize;
    // Damage the b-tree page headers of the second half of the file (account rows and indexes).
    for (let p = Math.floor(pages / 2); p < pages; p++) bytes.fill(0xff, p * pageSize, p * pageSize + 12);
    writeFileSync(path, bytes);
    expectRefused(path, 'corrupt', /is corrupt/, { verify: true });
  });

  it('refuses a database written by a newer Skrode', async () => {
    const path = makeDb();
    const db = new Database(path);
    const newest = Math.max(...sqliteMigrations().map((m) => m.folderMillis));
    db.prepare('insert into __drizzle_migrations (hash, created_at) values (?, ?)').run('from-the-future', newest + 86_400_000);
    db.pragma('journal_mode = DELETE');
    db.close();
    expectRefused(path, 'version', /newer version of Skrode/);
    expectRefused(path, 'version', /newer version of Skrode/, { readonly: true });
    // Through the store too: the writer thread refuses, and the error keeps its kind.
    const before = readFileSync(path);
    await expect(openSqliteStore(path)).rejects.toMatchObject({ name: 'StoreError', kind: 'version' });
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('refuses to open a missing file read-only', () => {
    expect(() => openSqlite(join(dir, 'missing.db'), { readonly: true })).toThrow(/does not exist/);
    expect(existsSync(join(dir, 'missing.db'))).toBe(false);
  });
});
