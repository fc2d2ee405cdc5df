// BulkTransaction over a real database and the real writer: batches share one transaction that
// readers do not see until it commits; a refused batch takes only itself back; it commits by age,
// when idle, and on demand; a failed commit or a rollback by SQLite says how much was lost and
// clears the writer's id caches.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../model/observations.js';
import { BulkTransaction, type BulkTransactionOptions } from './bulk-transaction.js';
import { openSqlite } from './open.js';
import { SqliteWriter } from './writer.js';

const tmp = mkdtempSync(join(tmpdir(), 'skrode-bulk-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function setup(over: Partial<BulkTransactionOptions> = {}) {
  const path = join(tmp, `b${n++}.db`);
  const db = openSqlite(path);
  const writer = new SqliteWriter(db, path);
  const reader = new Database(path, { readonly: true });
  const clock = { t: 0 };
  const timers: (() => void)[] = [];
  let rollbacks = 0;
  const bulk = new BulkTransaction(db, {
    maxAgeMs: 1000,
    idleMs: 50,
    onRollback: () => {
      rollbacks++;
      writer.clearCaches();
    },
    now: () => clock.t,
    setTimer: (fn) => timers.push(fn),
    clearTimer: () => {
      timers.length = 0;
    },
    ...over,
  });
  const posts = () => (reader.prepare('select count(*) as n from posts').get() as { n: number }).n;
  const close = () => {
    reader.close();
    db.close();
  };
  return { db, writer, bulk, clock, timers, posts, close, rollbacks: () => rollbacks };
}

const post = (i: number): Observation => ({ type: 'post', externalId: `email+msg:m${i}@x`, text: `message ${i}`, provenance: { source: 'test' } });
const batch = (...ids: number[]) => ids.map(post);

describe('BulkTransaction', () => {
  it('keeps batches in one transaction, unseen by readers until it commits', () => {
    const s = setup();
    try {
      s.bulk.run(() => s.writer.apply(batch(1, 2)));
      s.bulk.run(() => s.writer.apply(batch(3)));
      expect(s.bulk.open).toBe(true);
      expect(s.posts()).toBe(0);
      s.bulk.commit();
      expect(s.posts()).toBe(3);
      expect(s.bulk.commits).toBe(1);
      s.bulk.commit(); // nothing open: nothing to do
      expect(s.bulk.commits).toBe(1);
    } finally {
      s.close();
    }
  });

  it('takes back only the refused batch; the batches around it are committed', () => {
    const s = setup();
    try {
      s.bulk.run(() => s.writer.apply(batch(1)));
      const bad = [post(2), { type: 'post', externalId: 'no-service-here', provenance: { source: 'test' } }];
      expect(() => s.bulk.run(() => s.writer.apply(bad))).toThrow(/rejected/);
      s.bulk.run(() => s.writer.apply(batch(3)));
      s.bulk.commit();
      expect(s.posts()).toBe(2);
      // A batch that fails inside SQLite (not validation) is also undone alone: the savepoint.
      s.bulk.run(() => s.writer.apply(batch(4)));
      expect(() =>
        s.bulk.run(() =>
          s.db.transaction(() => {
            s.writer.applyValidated(batch(5));
            s.db.exec('insert into no_such_table values (1)');
          })(),
        ),
      ).toThrow(/no such table/);
      s.bulk.commit();
      expect(s.posts()).toBe(3);
    } finally {
      s.close();
    }
  });

  it('commits when the transaction is maxAgeMs old, and when the writer has been idle', () => {
    const s = setup();
    try {
      s.bulk.run(() => s.writer.apply(batch(1)));
      s.clock.t = 999;
      s.bulk.run(() => s.writer.apply(batch(2)));
      expect(s.posts()).toBe(0);
      s.clock.t = 1000;
      s.bulk.run(() => s.writer.apply(batch(3)));
      expect(s.posts()).toBe(3);
      expect(s.bulk.open).toBe(false);
      s.bulk.run(() => s.writer.apply(batch(4)));
      expect(s.timers).toHaveLength(1);
      s.timers.shift()!();
      expect(s.posts()).toBe(4);
    } finally {
      s.close();
    }
  });

  it('reports a failed commit, with what it lost, and clears the id caches', () => {
    const s = setup();
    try {
      // A deferred foreign key is checked at COMMIT: the way to make a commit fail on purpose.
      s.db.exec('create table parent (id integer primary key); create table child (p integer references parent(id) deferrable initially deferred)');
      s.bulk.run(() => s.writer.apply(batch(1)));
      s.bulk.run(() => s.db.exec('insert into child values (42)'));
      expect(() => s.bulk.commit()).toThrow(/committing 2 bulk batches failed .*FOREIGN KEY.*not saved/);
      expect(s.rollbacks()).toBe(1);
      expect(s.db.inTransaction).toBe(false);
      expect(s.posts()).toBe(0);
      // The same through the idle timer: the failure waits for the next call.
      s.bulk.run(() => s.writer.apply(batch(2)));
      s.bulk.run(() => s.db.exec('insert into child values (43)'));
      s.timers.shift()!();
      expect(() => s.bulk.run(() => s.writer.apply(batch(3)))).toThrow(/committing 2 bulk batches failed/);
      // After reporting it, the store carries on.
      s.bulk.run(() => s.writer.apply(batch(3)));
      s.bulk.commit();
      expect(s.posts()).toBe(1);
    } finally {
      s.close();
    }
  });

  it('says so when SQLite rolled the whole transaction back under a batch', () => {
    const s = setup();
    try {
      s.bulk.run(() => s.writer.apply(batch(1)));
      s.bulk.run(() => s.writer.apply(batch(2)));
      // What SQLite does on a full disk or an I/O error: the transaction ends with the statement.
      expect(() =>
        s.bulk.run(() => {
          s.db.exec('ROLLBACK');
          throw new Error('database or disk is full');
        }),
      ).toThrow(/disk is full; the 2 bulk batches applied since the last commit were rolled back/);
      expect(s.rollbacks()).toBe(1);
      expect(s.bulk.open).toBe(false);
      s.bulk.run(() => s.writer.apply(batch(1, 2)));
      s.bulk.commit();
      expect(s.posts()).toBe(2);
    } finally {
      s.close();
    }
  });

  it('refuses to join a transaction someone else opened', () => {
    const s = setup();
    try {
      s.db.exec('BEGIN');
      expect(() => s.bulk.run(() => s.writer.apply(batch(1)))).toThrow(/cannot join/);
      s.db.exec('ROLLBACK');
    } finally {
      s.close();
    }
  });
});
