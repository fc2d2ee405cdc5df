// One test per SQLite migration (STYLE.md §10.7): migrate a database to N-1, put rows in it,
// migrate to N through our own runMigrations, and check the rows survived and the new tables,
// indexes and FTS indexes exist and agree with their content. A migration without an entry in
// `steps` fails the suite, so every new migration arrives with its test.
import Database from 'better-sqlite3';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runMigrations, sqliteMigrationsFolder } from './open.js';

type Db = Database.Database;
interface Journal {
  entries: { idx: number; tag: string }[];
}

const folder = sqliteMigrationsFolder();
const journal = JSON.parse(readFileSync(join(folder, 'meta', '_journal.json'), 'utf8')) as Journal & Record<string, unknown>;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A migrations folder holding only the first `n` migrations. */
function firstMigrations(n: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'skrode-migrations-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'meta'));
  const entries = journal.entries.slice(0, n);
  writeFileSync(join(dir, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const e of entries) copyFileSync(join(folder, `${e.tag}.sql`), join(dir, `${e.tag}.sql`));
  return dir;
}

function objects(db: Db, type: 'table' | 'index' | 'trigger'): string[] {
  return (db.prepare('select name from sqlite_master where type = ? order by name').all(type) as { name: string }[]).map((r) => r.name);
}

function ftsCheck(db: Db, table: string): void {
  db.prepare(`insert into ${table}(${table}, rank) values('integrity-check', 1)`).run();
}

const CORE_TABLES = [
  'services', 'service_urls', 'humans', 'personas', 'persona_control', 'accounts', 'names', 'account_relationships', 'lists',
  'list_membership', 'posts', 'post_relationships', 'post_distribution', 'post_interactions', 'links', 'evidence', 'anti_links',
  'merge_log', 'sources', 'ingest_cursors', 'notes', 'jobs', 'worker_status',
];

const steps: Record<string, { before(db: Db): void; after(db: Db): void }> = {
  '0000_schema': {
    before(db) {
      expect(objects(db, 'table')).toEqual([]);
    },
    after(db) {
      const tables = objects(db, 'table');
      for (const t of CORE_TABLES) expect(tables, t).toContain(t);
      const indexes = objects(db, 'index');
      for (const i of ['accounts_external_id_unique', 'names_account_name_kind', 'names_fold', 'posts_external_id_unique', 'jobs_claim', 'post_distribution_key']) expect(indexes).toContain(i);
      const cols = (db.prepare('select name, "notnull" as nn from pragma_table_info(?)').all('accounts') as { name: string; nn: number }[]).map((c) => `${c.name}${c.nn ? '!' : ''}`);
      expect(cols).toEqual(['id!', 'external_id!', 'service!', 'persona!', 'profile', 'source', 'first_seen', 'last_seen']);
      // lookup by folded name uses its index
      const plan = (db.prepare("explain query plan select id from names where fold = 'ada'").all() as { detail: string }[]).map((r) => r.detail).join(' ');
      expect(plan).toMatch(/USING (COVERING )?INDEX names_fold/);
    },
  },
  '0001_fts': {
    before(db) {
      db.prepare("insert into personas (id, created_at) values ('p1', 0)").run();
      db.prepare("insert into accounts (id, external_id, service, persona) values (1, 'twitter+user:1', 'twitter', 'p1')").run();
      db.prepare("insert into names (account, name, kind, fold) values (1, 'Zoë Ada', 'display', 'zoe ada'), (1, '@zoe', 'handle', '@zoe')").run();
      db.prepare("insert into posts (external_id, service, poster, text) values ('twitter+tweet:1', 'twitter', 1, 'Analytical engines'), ('twitter+tweet:2', 'twitter', null, null)").run();
    },
    after(db) {
      expect(db.prepare('select count(*) as n from names').get()).toEqual({ n: 2 });
      expect(db.prepare('select count(*) as n from posts').get()).toEqual({ n: 2 });
      const tables = objects(db, 'table');
      for (const t of ['names_fts', 'names_tri', 'posts_fts']) {
        expect(tables).toContain(t);
        // rows that existed before the index did are indexed (runMigrations rebuilds)
        expect(() => ftsCheck(db, t), t).not.toThrow();
      }
      expect(db.prepare("select rowid from names_fts where names_fts match 'zoe'").all()).toHaveLength(2);
      expect(db.prepare("select rowid from names_tri where fold like '%e ad%'").all()).toHaveLength(1);
      expect(db.prepare("select rowid from posts_fts where posts_fts match 'engine*'").all()).toHaveLength(1);
      // maintained by the writer, not by triggers (see 0001_fts.sql)
      expect(objects(db, 'trigger')).toEqual([]);
    },
  },
  '0002_lookup_indexes': {
    before(db) {
      db.prepare("insert into personas (id, created_at) values ('p1', 0)").run();
      db.prepare("insert into accounts (id, external_id, service, persona) values (1, 'twitter+user:1', 'twitter', 'p1')").run();
      db.prepare("insert into names (account, name, kind, fold, last_seen) values (1, 'Ada', 'display', 'ada', 5), (1, '@ada', 'handle', '@ada', 9)").run();
    },
    after(db) {
      expect(db.prepare('select count(*) as n from names').get()).toEqual({ n: 2 });
      const indexes = objects(db, 'index');
      expect(indexes).toContain('names_fold_last_seen');
      expect(indexes).toContain('names_last_seen_fold');
      expect(indexes).not.toContain('names_fold');
      expect(indexes).not.toContain('names_last_seen');
      const plan = (sql: string) => (db.prepare(`explain query plan ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' ');
      // a prefix range ranked by recency, and the recency walk, both read the index alone
      expect(plan("select id from names where fold >= 'ad' and fold < 'ae' order by last_seen desc")).toMatch(/COVERING INDEX names_fold_last_seen/);
      expect(plan('select id, fold from names indexed by names_last_seen_fold order by last_seen desc limit 10')).toMatch(/COVERING INDEX names_last_seen_fold/);
    },
  },
  '0003_suggestions': {
    before(db) {
      db.prepare("insert into ingest_cursors (source, key, value, updated_at) values ('mbox', '/m.mbox', '{}', 0)").run();
    },
    after(db) {
      expect(db.prepare('select key from ingest_cursors').all()).toEqual([{ key: '/m.mbox' }]);
      const tables = objects(db, 'table');
      expect(tables).toContain('suggestions');
      expect(tables).toContain('suggestion_sightings');
      expect(objects(db, 'index')).toContain('suggestions_state_count');
      db.prepare("insert into suggestions (address, names, source, updated_at) values ('ada@example.org', '[]', 'mbox', 0)").run();
      expect(db.prepare("select state, count from suggestions").get()).toEqual({ state: 'pending', count: 0 });
      expect(() => db.prepare("insert into suggestions (address, names, source, state, updated_at) values ('b@example.org', '[]', 'x', 'maybe', 0)").run()).toThrow(/CHECK/);
      db.pragma('foreign_keys = ON');
      expect(() => db.prepare("insert into suggestion_sightings (address, message) values ('nobody@example.org', 'email+msg:1')").run()).toThrow(/FOREIGN KEY/);
      db.prepare("insert into suggestion_sightings (address, message) values ('ada@example.org', 'email+msg:1')").run();
    },
  },
};

describe('SQLite migrations', () => {
  it('has a test for every migration', () => {
    expect(journal.entries.map((e) => e.tag)).toEqual(Object.keys(steps));
  });

  for (const [n, entry] of journal.entries.entries()) {
    it(`migration ${entry.tag}: ${n} → ${n + 1} keeps rows and adds what it should`, () => {
      const dir = mkdtempSync(join(tmpdir(), 'skrode-migrate-'));
      dirs.push(dir);
      const db = new Database(join(dir, 'm.db'));
      try {
        if (n > 0) runMigrations(db, firstMigrations(n));
        const step = steps[entry.tag];
        expect(step, `no test for migration ${entry.tag}`).toBeDefined();
        step!.before(db);
        runMigrations(db, firstMigrations(n + 1));
        expect(db.prepare('select count(*) as n from __drizzle_migrations').get()).toEqual({ n: n + 1 });
        step!.after(db);
        expect(db.pragma('foreign_key_check')).toEqual([]);
        // running it again changes nothing
        runMigrations(db, firstMigrations(n + 1));
        expect(db.prepare('select count(*) as n from __drizzle_migrations').get()).toEqual({ n: n + 1 });
      } finally {
        db.close();
      }
    });
  }

  it('migrates a fresh database all the way with the shipped folder', () => {
    const db = new Database(':memory:');
    runMigrations(db);
    expect(db.prepare('select count(*) as n from __drizzle_migrations').get()).toEqual({ n: journal.entries.length });
    expect(db.prepare("select count(*) as n from services where id = 'namesvc'").get()).toEqual({ n: 1 });
    db.close();
  });
});
