// `skrode export` end to end: the real CLI process against a SQLite file (and a Postgres schema
// named by a config file): vCards to stdout, a file and a vdir; a JSON backup that `skrode
// import` restores into a new store.
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ICAL from 'ical.js';
import { postgresAvailable, PG_URL } from '../../../test/services.js';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/skrode.js');
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'skrode-export-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function skrode(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [BIN, ...args], { cwd: dir, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, SKRODE_DATA_DIR: dir } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

const fixtures = ['vcard/apple-3.0.vcf', 'vcard/google-3.0.vcf', 'bbdb/bbdb-v9', 'bbdb/bbdb-v6'].map((f) => join(ROOT, 'test/fixtures', f));

describe('skrode export (SQLite)', () => {
  it('exports vCards by pattern and --all, to stdout, a file and a vdir', async () => {
    for (const f of fixtures) expect((await skrode('--db', 'a.db', 'import', f)).code).toBe(0);

    const one = await skrode('--db', 'a.db', 'export', 'vcard', 'lovelace');
    expect(one.code).toBe(0);
    const cards = ICAL.parse(one.stdout) as unknown[];
    const card = new ICAL.Component(cards as unknown[]);
    expect(card.getFirstPropertyValue('fn')).toBe('Ada Lovelace');

    const all = await skrode('--db', 'a.db', 'export', 'vcard', '--all', '--vcard', '3', '-o', 'all.vcf');
    expect(all.code).toBe(0);
    const text = readFileSync(join(dir, 'all.vcf'), 'utf8');
    const parsed = ICAL.parse(text) as unknown[][];
    // Ada, Charles, Mary (vCards; Ada and Charles also in BBDB), the BBDB org and Jürgen, and the 3 BBDB 2 records
    expect(parsed).toHaveLength(8);
    expect(text.match(/^VERSION:3\.0\r$/gm)).toHaveLength(8);
    expect(all.stderr).toMatch(/8 cards written to all\.vcf/);

    // A stale card Skrode wrote for someone no longer in the store, and a file of the user's own.
    mkdirSync(join(dir, 'vdir'));
    writeFileSync(join(dir, 'vdir', '00000000-0000-4000-8000-000000000000.vcf'), 'BEGIN:VCARD\r\nVERSION:4.0\r\nPRODID:-//Skrode//Skrode//EN\r\nFN:Gone\r\nEND:VCARD\r\n');
    writeFileSync(join(dir, 'vdir', 'mine.vcf'), 'BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Mine\r\nEND:VCARD\r\n');
    const vd = await skrode('--db', 'a.db', 'export', 'vcard', '--all', '--dir', 'vdir');
    expect(vd.code).toBe(0);
    expect(vd.stderr).toMatch(/8 cards written to vdir; 1 card of people no longer in the store removed/);
    expect(readdirSync(join(dir, 'vdir'))).toContain('mine.vcf');
    rmSync(join(dir, 'vdir', 'mine.vcf'));
    const files = readdirSync(join(dir, 'vdir'));
    expect(files).toHaveLength(8);
    for (const f of files) {
      expect(f).toMatch(/^[0-9a-f-]{36}\.vcf$/);
      const c = new ICAL.Component(ICAL.parse(readFileSync(join(dir, 'vdir', f), 'utf8')) as unknown[]);
      expect(String(c.getFirstPropertyValue('uid'))).toBe(`urn:uuid:${f.slice(0, -4)}`);
    }
  });

  it('says clearly when nobody matches or no pattern is given', async () => {
    const none = await skrode('--db', 'a.db', 'export', 'vcard', 'zzzz-nobody');
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/nobody matches "zzzz-nobody"/);
    const bare = await skrode('--db', 'a.db', 'export', 'vcard');
    expect(bare.code).not.toBe(0);
    expect(bare.stderr).toMatch(/give a PATTERN \(who to export\) or --all/);
    const bad = await skrode('--db', 'a.db', 'export', 'vcard', '--all', '--vcard', '5');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/want 3 or 4/);
  });

  it('a JSON backup restores into a new store with the same people, and a vCard export imports back', async () => {
    expect((await skrode('--db', 'a.db', 'export', 'json', '-o', 'backup.jsonl')).code).toBe(0);
    const lines = readFileSync(join(dir, 'backup.jsonl'), 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ skrode: 'backup', version: 1 });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ end: 'backup', tables: 25 });
    const restored = await skrode('--db', 'b.db', 'import', 'backup.jsonl');
    expect(restored.code).toBe(0);
    const a = await skrode('--db', 'a.db', 'export', 'json');
    const b = await skrode('--db', 'b.db', 'export', 'json');
    expect(b.stdout.split('\n').slice(1)).toEqual(a.stdout.split('\n').slice(1));

    // vCard out of a, into an empty c: every card imports without a problem, and again changes nothing.
    expect((await skrode('--db', 'c.db', 'import', 'all.vcf')).code).toBe(0);
    const again = await skrode('--db', 'c.db', 'import', 'all.vcf');
    expect(again.stdout).toMatch(/8 cards/);
    const c1 = await skrode('--db', 'c.db', 'export', 'vcard', '--all', '--vcard', '3');
    expect(ICAL.parse(c1.stdout) as unknown[]).toHaveLength(8);

    // The vdir written above imports back as a folder, file by file: the same 8 people.
    const fromDir = await skrode('--db', 'd.db', 'import', 'vdir');
    expect(fromDir.code).toBe(0);
    expect(fromDir.stdout).toMatch(/8 files, 8 cards/);
    const names = (out: string) => (ICAL.parse(out) as unknown[][]).map((c) => String(new ICAL.Component(c).getFirstPropertyValue('fn'))).sort();
    const d1 = await skrode('--db', 'd.db', 'export', 'vcard', '--all');
    const a1 = await skrode('--db', 'a.db', 'export', 'vcard', '--all');
    expect(names(d1.stdout)).toEqual(names(a1.stdout));
  });
});

describe.runIf(await postgresAvailable())('skrode export (Postgres, from the config)', () => {
  it('exports vCards and a backup from the store named by the config file', async () => {
    const { randomSchema, dropSchema } = await import('../../store/postgres/testing.js');
    const schema = randomSchema('skrode_exp');
    const config = join(dir, 'pg.yml');
    writeFileSync(config, `store: !skrode/sql\n  url: ${PG_URL}\n  schema: ${schema}\n`);
    try {
      expect((await skrode('-c', config, 'import', fixtures[0]!)).code).toBe(0);
      const v = await skrode('-c', config, 'export', 'vcard', '--all');
      expect(v.code).toBe(0);
      expect(new ICAL.Component(ICAL.parse(v.stdout) as unknown[]).getFirstPropertyValue('fn')).toBe('Ada Lovelace');
      const j = await skrode('-c', config, 'export', 'json');
      expect(j.code).toBe(0);
      expect(JSON.parse(j.stdout.split('\n')[0]!)).toMatchObject({ dialect: 'postgres' });
      writeFileSync(join(dir, 'pg-backup.jsonl'), j.stdout);
      const r = await skrode('--db', 'from-pg.db', 'import', 'pg-backup.jsonl');
      expect(r.code).toBe(0);
      const back = await skrode('--db', 'from-pg.db', 'export', 'vcard', '--all');
      expect(back.stdout).toBe(v.stdout);
    } finally {
      await dropSchema(schema);
    }
  });
});
