// The JSON backup restores a store exactly: SQLite → backup → empty SQLite gives the same rows in
// every table, and the same backup through Postgres and back gives the same rows again.
import { afterAll, describe, expect, it } from 'vitest';
import { openSqlite, type SqliteDb } from '../../store/sqlite/open.js';
import { SqliteWriter } from '../../store/sqlite/writer.js';
import { backupTables, TABLE_ORDER } from './format.js';
import { dumpBackup, postgresBackupSource, sqliteBackupSource } from './dump.js';
import { restoreBackup, type RestoreProblem } from '../../sources/backup/restore.js';
import { directSqliteRestoreTarget, postgresRestoreTarget } from '../../sources/backup/targets.js';
import type { Observation } from '../../model/observations.js';
import { postgresAvailable, PG_URL } from '../../../test/services.js';
import * as sqliteSchema from '../../store/schema/sqlite.js';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';

const prov = { source: 'test' };

/** A store with a row in every table, including awkward values (unicode, newlines, nulls, JSON). */
function populated(): SqliteDb {
  const db = openSqlite(':memory:');
  const w = new SqliteWriter(db, ':memory:');
  const batch: Observation[] = [
    { type: 'account', externalId: 'twitter+user:1', names: [{ name: '@ada', kind: 'handle' }, { name: 'Ada “Countess” Lovelace\nsecond line', kind: 'display' }], profile: { bio: 'maths ✓', n: 1.5, nested: { a: [1, null, 'x'] } }, seenAt: '2020-01-02T03:04:05.678Z', provenance: prov },
    { type: 'account', externalId: 'email+addr:ada@example.org', names: [{ name: 'ada@example.org', kind: 'email' }], provenance: prov },
    { type: 'account', externalId: 'mastodon+user:@bob@example.social', names: [{ name: 'Bob 😀', kind: 'display' }], provenance: prov },
    { type: 'identity', accounts: ['twitter+user:1', 'email+addr:ada@example.org'], provenance: prov },
    { type: 'post', externalId: 'twitter+tweet:10', poster: 'twitter+user:1', text: 'hello “world” https://example.org', when: '2021-05-06T07:08:09.000Z', url: 'https://x.com/ada/status/10', raw: { id: '10', entities: [] }, links: ['https://example.org'], refs: [{ rel: 'reply-to', post: 'twitter+tweet:9' }], distribution: [{ rel: 'broadcast' }, { rel: 'to', target: 'mastodon+user:@bob@example.social' }, { rel: 'list', target: 'twitter+list:5' }], provenance: prov },
    { type: 'post', externalId: 'twitter+tweet:11', poster: 'twitter+user:1', text: 'to be deleted', provenance: prov },
    { type: 'tombstone', post: 'twitter+tweet:11', provenance: prov },
    { type: 'relationship', from: 'twitter+user:1', to: 'mastodon+user:@bob@example.social', kind: 'follows', when: '2019-01-01T00:00:00.000Z', provenance: prov },
    { type: 'interaction', account: 'mastodon+user:@bob@example.social', post: 'twitter+tweet:10', kind: 'like', when: '2021-05-07T00:00:00.000Z', provenance: prov },
    { type: 'evidence', a: 'twitter+user:1', b: 'mastodon+user:@bob@example.social', kind: 'profile-link', proof: 'https://example.org/proof', confidence: 0.25, provenance: prov },
    { type: 'list', externalId: 'twitter+list:5', name: 'friends', owner: 'twitter+user:1', members: ['mastodon+user:@bob@example.social'], provenance: prov },
    { type: 'note', account: 'twitter+user:1', text: 'met at a conference;\nlikes poetry', key: 'test:note:1', provenance: prov },
  ];
  w.applyValidated(batch);
  const persona = (db.prepare("select persona from accounts where external_id = 'twitter+user:1'").get() as { persona: string }).persona;
  const bob = (db.prepare("select persona from accounts where external_id = 'mastodon+user:@bob@example.social'").get() as { persona: string }).persona;
  const link = w.linkPersona(null, persona, 'owns');
  w.setNote({ human: link.human }, 'a human-level note');
  w.addPersonaName(persona, 'The Countess');
  const merge = w.mergePersonas(persona, bob, 'test merge');
  w.splitMerge(merge.id);
  w.markNotSame(persona, bob);
  w.setCursor('twitter', 'since', '12345');
  db.prepare("insert into sources (id, kind, config, created_at) values ('src-1', 'x-archive', ?, 1600000000000)").run(JSON.stringify({ path: '/tmp/x.zip' }));
  db.prepare("insert into jobs (queue, payload, dedup_key, state, attempts, max_attempts, available_at, created_at, updated_at) values ('q', ?, 'k', 'ready', 0, 5, 1, 2, 3)").run(JSON.stringify({ job: 1 }));
  db.prepare("insert into worker_status (host, worker, replica, state, restarts, done, failed, last_error, updated_at) values ('h', 'w', 0, 'running', 1, 2, 3, null, 4)").run();
  db.prepare("insert into suggestions (address, names, count, first_seen, last_seen, source, state, updated_at) values ('cy@example.org', '[\"Cy\"]', 1, 5, 6, 'mbox /m.mbox', 'pending', 7)").run();
  db.prepare("insert into suggestion_sightings (address, message) values ('cy@example.org', 'email+msg:1')").run();
  return db;
}

/** Every table's rows, in key order, as SQLite holds them (JSON columns parsed when asked). */
function tableRows(db: SqliteDb, parseJson = false): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of backupTables()) {
    const rows = db.prepare(`select * from "${t.name}" order by ${t.key.map((k) => `"${k}"`).join(', ')}`).all() as Record<string, unknown>[];
    if (parseJson) for (const r of rows) for (const c of t.columns) if (c.codec === 'json' && typeof r[c.name] === 'string') r[c.name] = JSON.parse(r[c.name] as string);
    out[t.name] = rows;
  }
  return out;
}

async function dumpToLines(source: ReturnType<typeof sqliteBackupSource>): Promise<string[]> {
  const lines: string[] = [];
  await dumpBackup(source, (l) => void lines.push(l.replace(/\n$/, '')), new Date('2026-01-01T00:00:00Z'));
  return lines;
}

describe('backup format', () => {
  it('covers every table of the SQLite schema, in an order where foreign keys point backwards', () => {
    const sqliteTables = Object.values(sqliteSchema)
      .map((t) => {
        try {
          return getTableConfig(t as SQLiteTable).name;
        } catch {
          return undefined;
        }
      })
      .filter(Boolean)
      .sort();
    expect([...TABLE_ORDER].sort()).toEqual(sqliteTables);
    for (const t of Object.values(sqliteSchema)) {
      let config;
      try {
        config = getTableConfig(t as SQLiteTable);
      } catch {
        continue;
      }
      for (const fk of config.foreignKeys) {
        const target = getTableConfig(fk.reference().foreignTable).name;
        expect(TABLE_ORDER.indexOf(target as never), `${config.name} → ${target}`).toBeLessThan(TABLE_ORDER.indexOf(config.name as never));
      }
    }
  });
});

describe('JSON backup round trip (SQLite)', () => {
  it('restores every table exactly into an empty store, with working full-text indexes', async () => {
    const src = populated();
    const lines = await dumpToLines(sqliteBackupSource(src));
    expect(JSON.parse(lines[0]!)).toMatchObject({ skrode: 'backup', version: 1, dialect: 'sqlite' });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ end: 'backup', tables: TABLE_ORDER.length });

    const dst = openSqlite(':memory:');
    const problems: RestoreProblem[] = [];
    const summary = await restoreBackup(lines, directSqliteRestoreTarget(dst), (p) => problems.push(p));
    expect(problems).toEqual([]);
    expect(summary).toMatchObject({ complete: true, skipped: 0, tables: TABLE_ORDER.length });

    const before = tableRows(src);
    const after = tableRows(dst);
    for (const t of TABLE_ORDER) expect(after[t], t).toEqual(before[t]);
    // every table really had rows, so the comparison means something
    for (const t of TABLE_ORDER) expect(before[t]!.length, t).toBeGreaterThan(0);

    expect(dst.prepare("select count(*) as n from names_fts where names_fts match 'countess'").get()).toEqual({ n: 2 });
    expect(dst.prepare("select count(*) as n from posts_fts where posts_fts match 'hello'").get()).toEqual({ n: 1 });
    expect(dst.prepare("insert into names_fts(names_fts) values ('integrity-check')").run().changes).toBeGreaterThanOrEqual(0);
    // the restored store keeps working: a new account gets a fresh id
    new SqliteWriter(dst, ':memory:').applyValidated([{ type: 'account', externalId: 'email+addr:new@example.org', provenance: prov }]);
  });

  it('refuses to restore into a store that is not empty, and changes nothing', async () => {
    const src = populated();
    const lines = await dumpToLines(sqliteBackupSource(src));
    const dst = populated();
    const before = tableRows(dst);
    await expect(restoreBackup(lines, directSqliteRestoreTarget(dst), () => {})).rejects.toThrow(/only be restored into an empty store; this one has 1 humans, 2 personas/);
    expect(tableRows(dst)).toEqual(before);
  });

  it('refuses files that are not backups or are from a newer version, before writing', async () => {
    const dst = openSqlite(':memory:');
    await expect(restoreBackup(['{"skrode": "observations", "version": 1}'], directSqliteRestoreTarget(dst), () => {})).rejects.toThrow(/line 1: not a Skrode backup/);
    await expect(restoreBackup(['BEGIN:VCARD'], directSqliteRestoreTarget(dst), () => {})).rejects.toThrow(/line 1: not a Skrode backup: the first line is not JSON/);
    await expect(restoreBackup(['{"skrode": "backup", "version": 99}'], directSqliteRestoreTarget(dst), () => {})).rejects.toThrow(/version 99 is newer/);
  });

  it('a restore that stops half way (a table from a newer Skrode) leaves the store empty again', async () => {
    const lines = await dumpToLines(sqliteBackupSource(populated()));
    const at = lines.findIndex((l) => l.startsWith('{"table":"posts"'));
    const broken = [...lines.slice(0, at), '{"table":"holograms","columns":["id"]}', ...lines.slice(at)];
    const dst = openSqlite(':memory:');
    const empty = tableRows(dst);
    await expect(restoreBackup(broken, directSqliteRestoreTarget(dst), () => {})).rejects.toThrow(/line \d+: unknown table "holograms"/);
    expect(tableRows(dst)).toEqual(empty);
    expect(dst.prepare("select count(*) as n from names_fts where names_fts match 'countess'").get()).toEqual({ n: 0 });
    // and it can take the good backup afterwards
    await restoreBackup(lines, directSqliteRestoreTarget(dst), () => {});
    expect((dst.prepare('select count(*) as n from accounts').get() as { n: number }).n).toBeGreaterThan(0);
  });

  it('reports bad rows by line and restores the rest; reports a file cut short', async () => {
    const lines = await dumpToLines(sqliteBackupSource(populated()));
    const accountsAt = lines.findIndex((l) => l.startsWith('{"table":"accounts"'));
    const hostile = [...lines];
    hostile.splice(accountsAt + 1, 0, '[1, 2]', 'not json', '["x","y","z","not-a-uuid",null,null,null,null]');
    const cut = hostile.slice(0, hostile.length - 3); // loses the last table's end and the final line
    const dst = openSqlite(':memory:');
    const problems: RestoreProblem[] = [];
    const summary = await restoreBackup(cut, directSqliteRestoreTarget(dst), (p) => problems.push(p));
    const reasons = problems.map((p) => p.reason);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^line ${accountsAt + 2}: accounts row has 2 values for 8 columns`)),
        expect.stringMatching(new RegExp(`^line ${accountsAt + 3}: not JSON`)),
        expect.stringMatching(new RegExp(`^line ${accountsAt + 4}: accounts row skipped: column id: want an integer`)),
        expect.stringMatching(/without its final end line: the file was cut short/),
      ]),
    );
    expect(summary.complete).toBe(false);
    expect((dst.prepare('select count(*) as n from accounts').get() as { n: number }).n).toBeGreaterThan(0);
  });
});

describe.runIf(await postgresAvailable())('JSON backup across dialects (Postgres)', () => {
  const schemas: string[] = [];
  afterAll(async () => {
    const { dropSchema } = await import('../../store/postgres/testing.js');
    for (const s of schemas) await dropSchema(s);
  });

  it('a SQLite backup restores into Postgres and back with every row identical', async () => {
    const { createPool, migratePostgres } = await import('../../store/postgres/open.js');
    const { randomSchema } = await import('../../store/postgres/testing.js');
    const schema = randomSchema('skrode_bk');
    schemas.push(schema);
    const pool = createPool({ url: PG_URL, schema });
    try {
      await migratePostgres(pool, schema);
      const src = populated();
      const lines = await dumpToLines(sqliteBackupSource(src));
      const problems: RestoreProblem[] = [];
      await restoreBackup(lines, postgresRestoreTarget(pool), (p) => problems.push(p));
      expect(problems).toEqual([]);

      const fromPg = await dumpToLines(postgresBackupSource(pool, 2));
      // Same data, line for line (the header names the dialect it came from). Compared as parsed
      // JSON: Postgres jsonb keeps objects' content but not their key order.
      expect(fromPg.slice(1).map((l) => JSON.parse(l))).toEqual(lines.slice(1).map((l) => JSON.parse(l)));

      const back = openSqlite(':memory:');
      await restoreBackup(fromPg, directSqliteRestoreTarget(back), (p) => problems.push(p));
      expect(problems).toEqual([]);
      const before = tableRows(src, true);
      const after = tableRows(back, true);
      for (const t of TABLE_ORDER) expect(after[t], t).toEqual(before[t]);

      // Sequences continue after the restored ids, and the tsvector columns were computed.
      const next = await pool.query("insert into service_urls (service, url) values ('web', 'https://new.example') returning id");
      expect(Number(next.rows[0].id)).toBeGreaterThan(Math.max(...(before.service_urls as { id: number }[]).map((r) => r.id)));
      const hit = await pool.query("select count(*)::int as n from names where search @@ to_tsquery('simple', 'countess')");
      expect(hit.rows[0].n).toBe(2);
      // A second restore into the now non-empty schema is refused.
      await expect(restoreBackup(lines, postgresRestoreTarget(pool), () => {})).rejects.toThrow(/empty store/);
    } finally {
      await pool.end();
    }
  });
});
