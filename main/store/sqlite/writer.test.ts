// SqliteWriter in-process: what the contract suite cannot see from outside the port.
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Observation } from '../../model/observations.js';
import { StoreError } from '../port.js';
import { openSqlite, type SqliteDb } from './open.js';
import { translateSqliteError, SqliteWriter } from './writer.js';
import { Lru } from './lru.js';

const prov = { source: 'writer-test' };
let dir: string;
let db: SqliteDb;
let writer: SqliteWriter;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skrode-writer-'));
  db = openSqlite(join(dir, 'w.db'));
  writer = new SqliteWriter(db);
});
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('SqliteWriter', () => {
  it('validates when called directly, rejecting the batch whole', () => {
    expect(() => writer.apply([{ type: 'account', externalId: 'twitter+user:1', provenance: prov }, { type: 'account', externalId: 'oops', provenance: prov }])).toThrow(StoreError);
    expect(db.prepare('select count(*) as n from accounts').get()).toEqual({ n: 0 });
  });

  it('rolls back a batch that fails in SQL, and forgets ids it cached inside it', () => {
    db.exec("create trigger boom before insert on posts when new.external_id = 'twitter+tweet:boom' begin select raise(abort, 'boom'); end");
    const batch: Observation[] = [
      { type: 'account', externalId: 'twitter+user:1', names: [{ name: 'ada', kind: 'handle' }], provenance: prov },
      { type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'first', provenance: prov },
      { type: 'post', externalId: 'twitter+tweet:boom', poster: 'twitter+user:1', text: 'fails', provenance: prov },
    ];
    expect(() => writer.apply(batch)).toThrow(/boom/);
    expect(db.prepare('select (select count(*) from accounts) + (select count(*) from posts) + (select count(*) from names) as n').get()).toEqual({ n: 0 });
    // Had the writer kept the rolled-back ids, these would point at nothing (or the wrong rows).
    db.exec("insert into personas (id, created_at) values ('other', 0); insert into accounts (external_id, service, persona) values ('twitter+user:other', 'twitter', 'other')");
    const r = writer.apply(batch.slice(0, 2));
    expect(r).toMatchObject({ accounts: 1, posts: 1, names: 1 });
    const row = db.prepare("select a.external_id as poster from posts p join accounts a on a.id = p.poster where p.external_id = 'twitter+tweet:1'").get();
    expect(row).toEqual({ poster: 'twitter+user:1' });
  });

  it('reports a database damaged at runtime as a corrupt StoreError naming the file', () => {
    writer.apply(Array.from({ length: 3000 }, (_, i): Observation => ({ type: 'post', externalId: `twitter+tweet:${i}`, poster: 'twitter+user:1', text: `post number ${i} ${'words '.repeat(20)}`, provenance: prov })));
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    const path = join(dir, 'w.db');
    const bytes = readFileSync(path);
    const pageSize = bytes.readUInt16BE(16);
    const pages = bytes.length / pageSize;
    for (let p = 2; p < pages; p++) bytes.fill(0xff, p * pageSize, p * pageSize + 12);
    writeFileSync(path, bytes);
    db = new Database(path);
    let err: unknown;
    try {
      new SqliteWriter(db, path).apply([{ type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'an edit', provenance: prov }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StoreError);
    expect((err as StoreError).kind).toBe('corrupt');
    expect((err as Error).message).toContain(path);
  });

  it('translates only corruption errors', () => {
    const corrupt = Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
    expect(translateSqliteError(corrupt, '/x.db')).toMatchObject({ name: 'StoreError', kind: 'corrupt', message: expect.stringContaining('/x.db') });
    expect(translateSqliteError(Object.assign(new Error('not a db'), { code: 'SQLITE_NOTADB' }), '/x.db')).toBeInstanceOf(StoreError);
    const busy = Object.assign(new Error('busy'), { code: 'SQLITE_BUSY' });
    expect(translateSqliteError(busy, '/x.db')).toBe(busy);
  });

  it('creates services it does not know yet', () => {
    writer.apply([{ type: 'account', externalId: 'newsvc+user:1', provenance: prov }]);
    expect(db.prepare("select id, pretty_name as pretty from services where id = 'newsvc'").get()).toEqual({ id: 'newsvc', pretty: 'newsvc' });
  });
});

describe('Lru', () => {
  it('evicts the least recently used key', () => {
    const lru = new Lru<string, number>(2);
    lru.set('a', 1);
    lru.set('b', 2);
    expect(lru.get('a')).toBe(1);
    lru.set('c', 3);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.get('a')).toBe(1);
    expect(lru.get('c')).toBe(3);
    expect(lru.size).toBe(2);
  });

  it('stays within its capacity and keeps what is used', () => {
    const lru = new Lru<number, number>(100);
    for (let i = 0; i < 10_000; i++) {
      lru.set(i, i * 2);
      expect(lru.get(0)).toBe(0); // touched all the time: never evicted
      expect(lru.size).toBeLessThanOrEqual(100);
    }
    expect(lru.get(9_999)).toBe(19_998);
    expect(lru.get(5)).toBeUndefined();
    lru.delete(0);
    expect(lru.get(0)).toBeUndefined();
  });
});
