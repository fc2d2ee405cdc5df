// SqliteWriter in-process: what the contract suite cannot see from outside the port.
import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { emptyApplyResult, type Observation } from '../../model/observations.js';
import { StoreError } from '../port.js';
import { openSqlite, type SqliteDb } from './open.js';
import { translateSqliteError, SqliteWriter } from './writer.js';
import { Lru } from './lru.js';
import { SqliteReads } from './reads.js';

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

describe('SqliteWriter properties', () => {
  const accountId = fc.integer({ min: 1, max: 6 }).map((i) => `twitter+user:${i}`);
  const postId = fc.integer({ min: 1, max: 8 }).map((i) => `twitter+tweet:${i}`);
  const when = fc.integer({ min: 0, max: 1000 }).map((d) => new Date(Date.UTC(2020, 0, 1) + d * 86_400_000).toISOString());
  const observation = (withTombstones: boolean): fc.Arbitrary<Observation> =>
    fc.oneof(
      fc.record({ type: fc.constant('account' as const), externalId: accountId, names: fc.array(fc.record({ name: fc.constantFrom('ada', 'Ada', 'Zoë', ''), kind: fc.constantFrom('handle' as const, 'display' as const) }), { maxLength: 2 }), seenAt: when, provenance: fc.constant(prov) }),
      fc.record({
        type: fc.constant('post' as const), externalId: postId, poster: fc.option(accountId, { nil: undefined }), text: fc.option(fc.constantFrom('hello world', 'engines', 'héllo again', ''), { nil: undefined }),
        refs: fc.array(fc.record({ rel: fc.constantFrom('reply-to' as const, 'quotes' as const), post: postId }), { maxLength: 2 }),
        distribution: fc.array(fc.oneof(fc.constant({ rel: 'broadcast' as const }), fc.record({ rel: fc.constant('to' as const), target: accountId })), { maxLength: 2 }),
        links: fc.array(fc.constantFrom('https://a.example', 'https://b.example'), { maxLength: 2 }), provenance: fc.constant(prov),
      }),
      fc.record({ type: fc.constant('relationship' as const), from: accountId, to: accountId, kind: fc.constantFrom('follows' as const, 'mutes' as const), when, provenance: fc.constant(prov) }),
      fc.record({ type: fc.constant('interaction' as const), account: accountId, post: postId, kind: fc.constantFrom('like' as const, 'share' as const), provenance: fc.constant(prov) }),
      fc.record({ type: fc.constant('identity' as const), accounts: fc.array(accountId, { minLength: 1, maxLength: 3 }), provenance: fc.constant(prov) }),
      fc.record({ type: fc.constant('note' as const), account: accountId, text: fc.constantFrom('a', 'b'), key: fc.constantFrom('k1', 'k2'), provenance: fc.constant(prov) }),
      ...(withTombstones ? [fc.record({ type: fc.constant('tombstone' as const), post: postId, provenance: fc.constant(prov) })] : []),
    );

  function fresh(): { db: SqliteDb; w: SqliteWriter; counts(): unknown; fts(): void } {
    const d = openSqlite(':memory:');
    const reads = new SqliteReads(d);
    return {
      db: d,
      w: new SqliteWriter(d),
      counts: () => reads.counts(),
      fts: () => {
        for (const t of ['names_fts', 'names_tri', 'posts_fts']) d.prepare(`insert into ${t}(${t}, rank) values('integrity-check', 1)`).run();
      },
    };
  }

  it('re-applying any batch creates nothing and keeps the FTS indexes consistent', () => {
    fc.assert(
      fc.property(fc.array(observation(true), { maxLength: 25 }), fc.array(observation(true), { maxLength: 25 }), (a, b) => {
        const s = fresh();
        try {
          s.w.apply(a);
          s.w.apply(b);
          const counts = s.counts();
          s.fts();
          expect(s.w.apply(a)).toEqual(emptyApplyResult());
          expect(s.w.apply(b)).toEqual(emptyApplyResult());
          expect(s.counts()).toEqual(counts);
          s.fts();
        } finally {
          s.db.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('gives the same counts whichever of two batches comes first (without tombstones)', () => {
    fc.assert(
      fc.property(fc.array(observation(false), { maxLength: 25 }), fc.array(observation(false), { maxLength: 25 }), (a, b) => {
        const one = fresh();
        const two = fresh();
        try {
          one.w.apply(a);
          one.w.apply(b);
          two.w.apply(b);
          two.w.apply(a);
          const c1 = one.counts() as Record<string, number>;
          const c2 = two.counts() as Record<string, number>;
          // which persona wins an identity merge depends on order, so merges/personas may differ
          const { merges: _m1, personas: _p1, ...rest1 } = c1;
          const { merges: _m2, personas: _p2, ...rest2 } = c2;
          expect(rest2).toEqual(rest1);
        } finally {
          one.db.close();
          two.db.close();
        }
      }),
      { numRuns: 150 },
    );
  });
});
