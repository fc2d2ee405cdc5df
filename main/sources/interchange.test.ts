// The interchange importers end to end through the real stores (SQLite writer thread, Postgres):
// detection by content, idempotent re-import, problems named by file and record, big and
// hostile files, and backup restore through each adapter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportContext, ImportProblem, Importer } from './importer.js';
import type { Store } from '../store/port.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/index.js';
import { vcardImporter } from './vcard/importer.js';
import { bbdbImporter } from './bbdb/importer.js';
import { backupImporter } from './backup/importer.js';
import { registerInterchangeImporters } from './interchange.js';
import { registeredImporters } from './importer.js';
import { dumpBackup, sqliteBackupSource } from '../export/backup/dump.js';
import { openSqlite } from '../store/sqlite/open.js';
import { postgresAvailable } from '../../test/services.js';

const FIX = join(import.meta.dirname, '../../test/fixtures');
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'skrode-interchange-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function ctx(store: Store): ImportContext & { problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  return { store, problems, problem: (p) => void problems.push(p), progress: () => {} };
}

async function detect(importer: Importer, path: string): Promise<number> {
  return importer.detect(path, { isDirectory: false, head: readFileSync(path).subarray(0, 64 * 1024) });
}

describe('detection by content', () => {
  it('each importer claims its own files and not the others', async () => {
    const vcf = join(FIX, 'vcard/apple-3.0.vcf');
    const bbdb = join(FIX, 'bbdb/bbdb-v9');
    const v6 = join(FIX, 'bbdb/bbdb-v6');
    expect(await detect(vcardImporter, vcf)).toBeGreaterThan(0.5);
    expect(await detect(vcardImporter, join(FIX, 'vcard/utf-16le.vcf'))).toBeGreaterThan(0.5);
    expect(await detect(bbdbImporter, vcf)).toBe(0);
    expect(await detect(bbdbImporter, bbdb)).toBeGreaterThan(0.5);
    expect(await detect(bbdbImporter, v6)).toBeGreaterThan(0.5);
    expect(await detect(vcardImporter, bbdb)).toBe(0);
    expect(await detect(backupImporter, vcf)).toBe(0);
    // a .vcf that is something else is only weakly claimed (so the user hears why it failed)
    expect(await detect(vcardImporter, join(FIX, 'vcard/not-a-vcard.vcf'))).toBeLessThan(0.5);
  });

  it('registers the three importers once, however often it is called', () => {
    registerInterchangeImporters();
    registerInterchangeImporters();
    const names = registeredImporters().map((i) => i.name);
    for (const n of ['vcard', 'bbdb', 'backup']) expect(names.filter((x) => x === n)).toHaveLength(1);
  });
});

describe('importing into a SQLite store', () => {
  let store: SqliteStore;
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    store = await openSqliteStore(join(dir, 'skrode.db'));
  });
  afterAll(async () => {
    await store.close();
  });

  it('imports vCards and BBDB files (formats 6, 7, 9); re-importing changes nothing', async () => {
    const files: [Importer, string][] = [
      [vcardImporter, 'vcard/apple-3.0.vcf'],
      [vcardImporter, 'vcard/google-3.0.vcf'],
      [vcardImporter, 'vcard/thunderbird-4.0.vcf'],
      [vcardImporter, 'vcard/old-2.1-qp.vcf'],
      [vcardImporter, 'vcard/windows-1252.vcf'],
      [vcardImporter, 'vcard/utf-16le.vcf'],
      [vcardImporter, 'vcard/quirks-3.0.vcf'],
      [bbdbImporter, 'bbdb/bbdb-v9'],
      [bbdbImporter, 'bbdb/bbdb-v8-fork'],
      [bbdbImporter, 'bbdb/bbdb-v9-conses'],
      [bbdbImporter, 'bbdb/bbdb-v7'],
      [bbdbImporter, 'bbdb/bbdb-v6'],
    ];
    for (const [imp, f] of files) {
      const c = ctx(store);
      const s = await imp.run(join(FIX, f), c);
      expect(c.problems, f).toEqual([]);
      expect(s.observations, f).toBeGreaterThan(0);
    }
    const counts = await store.counts();
    expect(counts.notes).toBeGreaterThanOrEqual(8);
    for (const [imp, f] of files) await imp.run(join(FIX, f), ctx(store));
    expect(await store.counts()).toEqual(counts);

    // The vCard and the BBDB record of Ada share an address: one persona, all accounts.
    const persona = await store.personaOf('bbdb+record:a1010c22-e918-4c6e-a834-6858c488b320');
    expect(await store.personaOf('vcard+card:2A4B6C8D-0000-4000-8000-ADA000000001')).toBe(persona);
    const ada = await store.person(persona!);
    expect(ada?.kind).toBe('persona');
    const ids = ada!.kind === 'persona' ? ada!.persona.accounts.map((a) => a.externalId) : [];
    expect(ids).toEqual(expect.arrayContaining(['email+addr:ada@example.org', 'twitter+handle:adal', 'xmpp+user:ada@jabber.example', 'tel+number:4155551212;ext=42']));
    expect(ada!.notes.map((n) => n.text)).toEqual(expect.arrayContaining(['met via Babbage\nsays "hello" [often]']));
    // The Windows-1252 file was streamed and decoded as such.
    const zoe = await store.person((await store.personaOf('email+addr:zoe@example.de'))!);
    expect(zoe!.kind === 'persona' && zoe!.persona.names).toContain('Zoë Müller–Straße');
    const win = await store.person((await store.personaOf('email+addr:windows@example.org'))!);
    expect(win!.kind === 'persona' && win!.persona.names).toContain('Wïndows Üser 😀');
    // BBDB 2 records got their stable derived ids and their dates.
    const ewd = await store.person((await store.personaOf('email+addr:ewd@example.edu'))!);
    const card = ewd!.kind === 'persona' ? ewd!.persona.accounts.find((a) => a.service === 'bbdb') : undefined;
    expect(card?.externalId).toMatch(/^bbdb\+record:sha256-/);
    expect(card?.profile).toMatchObject({ org: ['University of Texas'], created: '1999-01-02T00:00:00.000Z' });
  });

  it('reports hostile files by file and record and imports the rest', async () => {
    const c = ctx(store);
    const s = await vcardImporter.run(join(FIX, 'vcard/malformed.vcf'), c);
    expect(s.counts.cards).toBe(4);
    expect(c.problems.every((p) => p.file.endsWith('malformed.vcf'))).toBe(true);
    expect(c.problems.map((p) => p.record)).toEqual(expect.arrayContaining(['line 1', 'line 5', 'line 6', 'line 7', 'line 11', 'line 20']));
    expect(await store.personaOf('vcard+card:good-1')).toBeTruthy();

    const b = ctx(store);
    const bs = await bbdbImporter.run(join(FIX, 'bbdb/bbdb-broken'), b);
    expect(bs.counts).toMatchObject({ records: 2, skipped: 3 });
    expect(b.problems.map((p) => p.record)).toEqual(['record 2 (line 3)', 'record 3 (line 4)', 'line 5', 'record 4 (line 6)', 'record 5 (line 7)']);
    expect(await store.personaOf('email+addr:good2@example.org')).toBeTruthy();

    const n = ctx(store);
    await vcardImporter.run(join(FIX, 'vcard/not-a-vcard.vcf'), n);
    expect(n.problems).toEqual([{ file: join(FIX, 'vcard/not-a-vcard.vcf'), reason: 'no vCard found (no BEGIN:VCARD line): this is not a vCard file' }]);

    const newer = join(dir, 'bbdb-future');
    writeFileSync(newer, ';;; file-format: 12\n["A" "B" nil nil nil nil nil nil nil "u" "d" "t" nil]\n');
    const f = ctx(store);
    await bbdbImporter.run(newer, f);
    expect(f.problems[0]!.reason).toMatch(/format 12 is newer than the newest this version reads \(9\)/);

    // BBDB refuses a file with a duplicate uuid; we keep the first record and name the second.
    // A file without a header is read as the newest format.
    const dup = join(dir, 'bbdb-dup');
    const rec = (first: string) => `["${first}" "Dup" nil nil nil nil nil ("${first.toLowerCase()}@dup.example") nil "99999999-0000-4000-8000-000000000001" "2020-01-01 00:00:00 +0000" "2020-01-01 00:00:00 +0000" nil]`;
    writeFileSync(dup, `${rec('One')}\n${rec('Two')}\n`);
    expect(await detect(bbdbImporter, dup)).toBeGreaterThan(0.5);
    const d = ctx(store);
    const ds = await bbdbImporter.run(dup, d);
    expect(ds.counts).toMatchObject({ records: 1, skipped: 1 });
    expect(d.problems).toEqual([{ file: dup, record: 'record 2 (line 2)', reason: 'uuid 99999999-0000-4000-8000-000000000001 was already used by record 1; skipped' }]);
    expect(await store.personaOf('email+addr:two@dup.example')).toBeNull();

    const binary = join(dir, 'photo.vcf');
    writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0x0d, 1, 2, 3]));
    const g = ctx(store);
    await vcardImporter.run(binary, g);
    expect(g.problems[0]!.reason).toMatch(/binary data/);
  });

  it('streams a big vCard file, skipping an oversized property but keeping its neighbours', async () => {
    const path = join(dir, 'big.vcf');
    const parts: string[] = [];
    for (let i = 0; i < 3000; i++) parts.push(`BEGIN:VCARD\r\nVERSION:3.0\r\nUID:big-${i}\r\nFN:Person ${i}\r\nEMAIL:p${i}@big.example\r\nEND:VCARD\r\n`);
    // one card with a 9 MB NOTE (over the 8 MB line limit), folded as a writer would
    const huge = 'NOTE:' + 'x'.repeat(9 * 1024 * 1024);
    parts.splice(1500, 0, `BEGIN:VCARD\r\nVERSION:3.0\r\nUID:huge\r\nFN:Huge Note\r\n${huge.match(/.{1,74}/g)!.join('\r\n ')}\r\nEMAIL:huge@big.example\r\nEND:VCARD\r\n`);
    writeFileSync(path, parts.join(''));
    const c = ctx(store);
    const s = await vcardImporter.run(path, c);
    expect(s.counts.cards).toBe(3001);
    expect(c.problems).toHaveLength(1);
    expect(c.problems[0]!.reason).toMatch(/longer than the limit; skipped/);
    expect(await store.personaOf('email+addr:huge@big.example')).toBe(await store.personaOf('vcard+card:huge'));
    expect(await store.personaOf('email+addr:p2999@big.example')).toBeTruthy();
  });

  it('restores a backup through the writer thread, into an empty store only', async () => {
    const src = openSqlite(join(dir, 'skrode.db'), { readonly: true });
    const backup = join(dir, 'backup.jsonl');
    const lines: string[] = [];
    await dumpBackup(sqliteBackupSource(src), (l) => void lines.push(l));
    src.close();
    writeFileSync(backup, lines.join(''));
    expect(await detect(backupImporter, backup)).toBeGreaterThan(0.9);

    const other = await openSqliteStore(join(dir, 'restored.db'));
    try {
      const c = ctx(other);
      const s = await backupImporter.run(backup, c);
      expect(c.problems).toEqual([]);
      expect(s.counts.skipped).toBe(0);
      expect(await other.counts()).toEqual(await store.counts());
      const ada = await store.personaOf('email+addr:ada@example.org');
      expect(await other.person(ada!)).toEqual(await store.person(ada!));
      // a second restore is refused, and says why
      const again = ctx(other);
      await backupImporter.run(backup, again);
      expect(again.problems[0]!.reason).toMatch(/only be restored into an empty store/);
    } finally {
      await other.close();
    }
  });
});

describe.runIf(await postgresAvailable())('importing into a Postgres store', () => {
  it('imports vCard and BBDB idempotently and restores a backup', async () => {
    const { freshPostgresStore } = await import('../store/postgres/testing.js');
    const a = await freshPostgresStore();
    const b = await freshPostgresStore();
    try {
      for (const [imp, f] of [
        [vcardImporter, 'vcard/apple-3.0.vcf'],
        [bbdbImporter, 'bbdb/bbdb-v9'],
        [bbdbImporter, 'bbdb/bbdb-v6'],
      ] as const) {
        const c = ctx(a.store);
        await imp.run(join(FIX, f), c);
        expect(c.problems).toEqual([]);
      }
      const counts = await a.store.counts();
      await vcardImporter.run(join(FIX, 'vcard/apple-3.0.vcf'), ctx(a.store));
      await bbdbImporter.run(join(FIX, 'bbdb/bbdb-v9'), ctx(a.store));
      expect(await a.store.counts()).toEqual(counts);

      const { postgresBackupSource } = await import('../export/backup/dump.js');
      const lines: string[] = [];
      await dumpBackup(postgresBackupSource(a.store.pool), (l) => void lines.push(l));
      const file = join(tempDir(), 'pg-backup.jsonl');
      writeFileSync(file, lines.join(''));
      const c = ctx(b.store);
      await backupImporter.run(file, c);
      expect(c.problems).toEqual([]);
      expect(await b.store.counts()).toEqual(counts);
      const ada = await a.store.personaOf('email+addr:ada@example.org');
      expect(await b.store.person(ada!)).toEqual(await a.store.person(ada!));
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });
});

describe('vdir folders', () => {
  it('finds .vcf files one level deep, skipping hidden ones, and the importer claims the folder', async () => {
    const { vcfFiles } = await import('./vcard/importer.js');
    const d = tempDir();
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(d, 'book'));
    mkdirSync(join(d, 'book', 'deeper'));
    mkdirSync(join(d, '.hidden'));
    writeFileSync(join(d, 'a.vcf'), 'BEGIN:VCARD\r\nFN:A\r\nEND:VCARD\r\n');
    writeFileSync(join(d, 'book', 'b.VCF'), 'BEGIN:VCARD\r\nFN:B\r\nEND:VCARD\r\n');
    writeFileSync(join(d, 'book', 'deeper', 'c.vcf'), 'BEGIN:VCARD\r\nFN:C\r\nEND:VCARD\r\n');
    writeFileSync(join(d, '.hidden', 'd.vcf'), 'BEGIN:VCARD\r\nFN:D\r\nEND:VCARD\r\n');
    writeFileSync(join(d, 'notes.txt'), 'not a card');
    expect(vcfFiles(d).map((f) => f.slice(d.length + 1))).toEqual(['a.vcf', join('book', 'b.VCF')]);
    expect(await vcardImporter.detect(d, { isDirectory: true, head: Buffer.alloc(0) })).toBeGreaterThan(0.5);
    expect(await vcardImporter.detect(join(d, 'book', 'deeper', '..', '..', '.hidden'), { isDirectory: true, head: Buffer.alloc(0) })).toBeGreaterThan(0.5);
    const empty = tempDir();
    expect(await vcardImporter.detect(empty, { isDirectory: true, head: Buffer.alloc(0) })).toBe(0);
  });
});
