// `skrode whois` end to end: in-process through runCli (the current sources), and as a real
// process through bin/skrode.js (the build in out/, which `npm test` makes first).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { LookupHit } from '../../../shared/people.js';
import { insertPeopleSqlite, SAMPLE_PEOPLE, type Inserted } from '../../lookup/fixtures.js';
import { openSqlite } from '../../store/sqlite/open.js';
import { packageRoot } from '../../util/worker-entry.js';
import { runCli } from '../program.js';
import { PG_URL, postgresAvailable } from '../../../test/services.js';

let dir: string;
let db: string;
let inserted: Inserted;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'skrode-whois-'));
  db = join(dir, 'skrode.db');
  const handle = openSqlite(db);
  inserted = insertPeopleSqlite(handle, SAMPLE_PEOPLE.map((p) => p.person));
  handle.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  process.exitCode = undefined;
  vi.restoreAllMocks();
});

async function whois(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return cli(['--db', db, 'whois', ...args]);
}

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  const code = await runCli(['node', 'skrode', ...args]);
  vi.restoreAllMocks();
  process.exitCode = undefined;
  return { code, out, err };
}

describe('skrode whois (in process)', () => {
  it('prints a human once with all its personas, then personas, in rank order', async () => {
    const r = await whois('ada', '-l', '10');
    expect(r.code).toBe(0);
    const docs = parseAllDocuments(r.out).map((d) => {
      expect(d.errors).toEqual([]);
      return d.toJS() as Record<string, unknown>;
    });
    expect(docs).toHaveLength(4);
    expect(docs[0]!.human).toBe(inserted.humans[0]);
    const personas = docs[0]!.personas as { persona: string; accounts: { service: string; 'foreign key': string }[] }[];
    expect(personas.map((p) => p.persona).sort()).toEqual([...inserted.personas[0]!].sort());
    expect(personas.flatMap((p) => p.accounts.map((a) => `${a.service} ${a['foreign key']}`)).sort()).toEqual(['Email email+addr:ada@example.org', 'GitHub github+user:adalove', 'X (Twitter) twitter+user:1']);
    expect(docs.slice(1).map((d) => d.persona)).toEqual([inserted.personas[1]![0], inserted.personas[2]![0], inserted.personas[3]![0]]);
  });

  it('shows three people by default, and -l changes that', async () => {
    expect(parseAllDocuments((await whois('a')).out)).toHaveLength(3);
    expect(parseAllDocuments((await whois('a', '--limit', '1')).out)).toHaveLength(1);
    const bad = await whois('a', '-l', 'zero');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/whole number/);
  });

  it('joins several words into one pattern', async () => {
    const r = await whois('Ada', 'Lovelace', '--json');
    expect((JSON.parse(r.out) as LookupHit[]).map((h) => h.matched.tier)).toEqual(['exact']);
  });

  it('--json prints LookupHit[]', async () => {
    const r = await whois('arrdem', '--json');
    expect(r.code).toBe(0);
    const hits = JSON.parse(r.out) as LookupHit[];
    expect(hits).toHaveLength(2);
    expect(hits[0]).toMatchObject({ matched: { name: '@arrdem', kind: 'handle', tier: 'exact', externalId: 'twitter+user:4' }, person: { kind: 'persona' } });
    expect(typeof hits[0]!.score).toBe('number');
    expect(hits[0]!.person.kind === 'persona' && hits[0]!.person.persona.accounts[0]!.servicePretty).toBe('X (Twitter)');
  });

  it('--exact and --mutt', async () => {
    expect(parseAllDocuments((await whois('ada', '--exact', '-l', '10')).out)).toHaveLength(1);
    const m = await whois('ada', '--mutt', '-l', '10');
    expect(m.code).toBe(0);
    expect(m.out.split('\n').slice(1).filter(Boolean)).toEqual(['ada@example.org\tAda Lovelace\texact match on twitter+user:1']);
    expect((await whois('ada', '--mutt', '--json')).code).not.toBe(0);
  });

  it('exits 1 when nobody matches, printing nothing on stdout', async () => {
    const r = await whois('nobody-like-this-at-all');
    expect(r).toMatchObject({ code: 1, out: '' });
    expect(r.err).toMatch(/nobody matches/);
    expect(await whois('--json', 'qqqqqqqqqq')).toMatchObject({ code: 1, out: '[]\n' });
  });

  it('refuses a file that is not a database, and a missing one, with a clear message', async () => {
    const junk = join(dir, 'junk.db');
    writeFileSync(junk, 'hello, not sqlite');
    const saved = db;
    try {
      db = junk;
      const r = await whois('ada');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/not a Skrode database/);
      db = join(dir, 'missing.db');
      expect((await whois('ada')).err).toMatch(/does not exist/);
    } finally {
      db = saved;
    }
  });
});

describe('skrode whois (the built command)', () => {
  const bin = join(packageRoot(), 'bin', 'skrode.js');
  const built = join(packageRoot(), 'out', 'cli.js');
  // Reports every bare package the process imports, so start-up stays light.
  const hook = `data:text/javascript,${encodeURIComponent(
    `import { register } from 'node:module'; register('data:text/javascript,' + encodeURIComponent("export async function resolve(s, c, n) { if (!/^(\\\\.|node:|file:|data:)/.test(s)) process.stderr.write('LOADED ' + s + '\\\\n'); return n(s, c); }"));`,
  )}`;

  it('runs from out/ (npm test builds it first)', () => {
    expect(existsSync(built), `${built} is missing: run \`npm run build\``).toBe(true);
  });

  it('answers with exit codes 0 / 1, and loads no Postgres, queue, UI or ORM code', () => {
    const ok = spawnSync(process.execPath, ['--import', hook, bin, '--db', db, 'whois', 'ada'], { encoding: 'utf8' });
    expect(ok.status).toBe(0);
    expect(parseAllDocuments(ok.stdout)).toHaveLength(3);
    const loaded = ok.stderr.split('\n').filter((l) => l.startsWith('LOADED ')).map((l) => l.slice(7).split('/')[0]);
    expect(loaded).toContain('better-sqlite3');
    for (const heavy of ['pg', 'drizzle-orm', 'bullmq', 'ioredis', 'react', 'react-dom', 'yaml', 'zod']) expect(loaded).not.toContain(heavy);
    const none = spawnSync(process.execPath, [bin, '--db', db, 'whois', 'qqqqqqqqqq'], { encoding: 'utf8' });
    expect(none.status).toBe(1);
  });
});

describe.runIf(await postgresAvailable())('skrode whois -c (a config naming a Postgres store)', async () => {
  const { freshPostgresStore } = await import('../../store/postgres/testing.js');
  const { createPool } = await import('../../store/postgres/open.js');
  const { insertPeoplePostgres } = await import('../../lookup/fixtures.js');
  const t = await freshPostgresStore();
  const pool = createPool({ url: PG_URL, schema: t.schema, max: 1 });
  const pgInserted = await insertPeoplePostgres(pool, SAMPLE_PEOPLE.map((p) => p.person));
  await pool.end();
  afterAll(() => t.cleanup());

  it('looks people up in Postgres and loads them through the store', async () => {
    const config = join(dir, 'pg-config.yml');
    writeFileSync(config, `store: !skrode/sql\n  url: ${PG_URL}\n  schema: ${t.schema}\n`);
    const r = await cli(['-c', config, 'whois', 'ada', '-l', '10', '--json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const hits = JSON.parse(r.out) as LookupHit[];
    expect(hits.map((h) => h.matched.tier)).toEqual(['exact', 'prefix', 'word-prefix', 'substring']);
    expect(hits[0]!.person.id).toBe(pgInserted.humans[0]);
    expect(hits[0]!.person.kind === 'human' && hits[0]!.person.human.personas).toHaveLength(2);
    expect((await cli(['-c', config, 'whois', 'qqqqqqqqqq'])).code).toBe(1);
  });
});
