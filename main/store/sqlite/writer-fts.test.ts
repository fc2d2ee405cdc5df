// The writer indexes a batch's new posts and names in bulk just before it commits (writer.ts,
// flushDeferredFts): these tests pin what that must preserve, within one batch and across batches.
import { describe, expect, it } from 'vitest';
import type { Observation } from '../../model/observations.js';
import { openSqlite } from './open.js';
import { idRuns, SqliteWriter } from './writer.js';

const prov = { source: 'writer-fts-test' };

function fresh() {
  const db = openSqlite(':memory:');
  const w = new SqliteWriter(db);
  const match = (q: string) => (db.prepare('select p.external_id as id from posts_fts f join posts p on p.id = f.rowid where posts_fts match ? order by p.external_id').all(q) as { id: string }[]).map((r) => r.id);
  const names = (q: string) => (db.prepare('select n.name from names_fts f join names n on n.id = f.rowid where names_fts match ? order by n.name').all(q) as { name: string }[]).map((r) => r.name);
  const tri = (q: string) => (db.prepare('select n.name from names_tri f join names n on n.id = f.rowid where names_tri match ? order by n.name').all(q) as { name: string }[]).map((r) => r.name);
  const check = () => {
    for (const t of ['names_fts', 'names_tri', 'posts_fts']) db.prepare(`insert into ${t}(${t}, rank) values('integrity-check', 1)`).run();
    const rows = (t: string, base: string) => [(db.prepare(`select count(*) as n from ${t}_docsize`).get() as { n: number }).n, (db.prepare(`select count(*) as n from ${base}`).get() as { n: number }).n];
    const [fp, p] = rows('posts_fts', 'posts');
    expect(fp).toBe(p);
    const [fn, n] = rows('names_fts', 'names');
    expect(fn).toBe(n);
  };
  return { db, w, match, names, tri, check };
}

describe('bulk FTS indexing inside apply', () => {
  it('indexes the text a post ends the batch with, whatever happened to it inside the batch', () => {
    const s = fresh();
    const batch: Observation[] = [
      { type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'original words', provenance: prov },
      { type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'edited phrase', provenance: prov },
      // a stub (by reference), filled later in the same batch
      { type: 'post', externalId: 'twitter+tweet:2', poster: 'twitter+user:1', text: 'reply body', refs: [{ rel: 'reply-to', post: 'twitter+tweet:3' }], provenance: prov },
      { type: 'post', externalId: 'twitter+tweet:3', poster: 'twitter+user:2', text: 'parent filled', provenance: prov },
      // created and deleted in the same batch
      { type: 'post', externalId: 'twitter+tweet:4', poster: 'twitter+user:2', text: 'soon gone', provenance: prov },
      { type: 'tombstone', post: 'twitter+tweet:4', provenance: prov },
      { type: 'account', externalId: 'twitter+user:1', names: [{ name: 'Zoë Ångström', kind: 'display' }, { name: '@zoe', kind: 'handle' }], provenance: prov },
    ];
    s.w.apply(batch);
    s.check();
    expect(s.match('original')).toEqual([]);
    expect(s.match('edited')).toEqual(['twitter+tweet:1']);
    expect(s.match('parent')).toEqual(['twitter+tweet:3']);
    expect(s.match('gone')).toEqual([]);
    expect(s.names('zoe')).toEqual(['@zoe', 'Zoë Ångström']);
    expect(s.tri('ngs')).toEqual(['Zoë Ångström']);

    // a later batch changes and deletes rows indexed by an earlier one
    s.w.apply([
      { type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'third version', provenance: prov },
      { type: 'tombstone', post: 'twitter+tweet:3', provenance: prov },
      { type: 'post', externalId: 'twitter+tweet:5', poster: 'twitter+user:1', text: 'edited again', provenance: prov },
    ]);
    s.check();
    expect(s.match('edited')).toEqual(['twitter+tweet:5']);
    expect(s.match('third')).toEqual(['twitter+tweet:1']);
    expect(s.match('parent')).toEqual([]);
    s.db.close();
  });

  it('leaves nothing behind when the batch rolls back, and indexes it when applied again', () => {
    const s = fresh();
    s.db.exec("create trigger boom before insert on posts when new.external_id = 'twitter+tweet:boom' begin select raise(abort, 'boom'); end");
    const batch: Observation[] = [
      { type: 'account', externalId: 'twitter+user:1', names: [{ name: 'ada', kind: 'handle' }], provenance: prov },
      { type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'kept words', provenance: prov },
      { type: 'post', externalId: 'twitter+tweet:boom', poster: 'twitter+user:1', text: 'fails', provenance: prov },
    ];
    expect(() => s.w.apply(batch)).toThrow(/boom/);
    s.check();
    expect(s.match('kept')).toEqual([]);
    s.db.exec('drop trigger boom');
    s.w.apply(batch);
    s.check();
    expect(s.match('kept')).toEqual(['twitter+tweet:1']);
    expect(s.names('ada')).toEqual(['@ada']);
    // outside apply (a persona name) the row is indexed at once
    const persona = (s.db.prepare('select persona from accounts limit 1').get() as { persona: string }).persona;
    s.w.addPersonaName(persona, 'Countess Lovelace');
    s.check();
    expect(s.names('countess')).toEqual(['Countess Lovelace']);
    s.db.close();
  });
});

describe('idRuns', () => {
  it('splits ids into runs of consecutive integers, in order', () => {
    expect(idRuns([])).toEqual([]);
    expect(idRuns([5])).toEqual([[5, 5]]);
    expect(idRuns([3, 1, 2, 7, 8, 10])).toEqual([[1, 3], [7, 8], [10, 10]]);
    expect(idRuns([9, 12, 10, 11])).toEqual([[9, 12]]);
  });
});
