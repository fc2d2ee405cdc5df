import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/store.js';
import type { ImportContext, ImportProblem } from '../importer.js';
import { importMaildir, maildirImporter } from './maildir-importer.js';
import { importMbox, MBOX_CURSOR_SOURCE, mboxImporter } from './mbox-importer.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/email');
const dir = mkdtempSync(join(tmpdir(), 'skrode-mbox-import-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function freshStore(): Promise<SqliteStore> {
  return openSqliteStore(join(dir, `s${n++}.db`));
}
function ctx(store: SqliteStore, options?: Record<string, unknown>): ImportContext & { problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  return { store, problems, problem: (p) => void problems.push(p), progress: () => {}, ...(options ? { options } : {}) };
}

describe('mbox import into the SQLite store', () => {
  let store: SqliteStore;
  beforeEach(async () => {
    store = await freshStore();
    return () => store.close();
  });

  it('imports a Takeout mbox; importing it again leaves identical counts', async () => {
    const path = join(FIXTURES, 'takeout.mbox');
    const opts = { email: { self: ['me@example.net'] } };
    const s1 = await importMbox(path, ctx(store, opts));
    expect(s1.counts.messages).toBe(4);
    expect(s1.counts.skipped).toBe(1);
    const c1 = await store.counts();
    // 4 messages and 2 Gmail thread stubs (the reply's parent is a real message).
    expect(c1.posts).toBe(6);
    expect(c1.stubs).toBe(2);
    expect(c1.notes).toBe(1);
    const again = await importMbox(path, ctx(store, opts), { fromStart: true });
    expect(again.counts.messages).toBe(4);
    expect(await store.counts()).toEqual(c1);
    // Names over time: the later name is an alias of the same account.
    const ada = await store.person('email+addr:ada@example.org');
    const acc = ada?.kind === 'persona' ? ada.persona.accounts[0] : ada?.human.personas[0]?.accounts[0];
    expect(acc?.names.map((x) => `${x.kind}:${x.name}`).sort()).toEqual(['alias:Augusta Ada King', 'display:Ada Lovelace', 'email:ada@example.org']);
    // The user's own address belongs to the self human.
    const me = await store.person('email+addr:me@example.net');
    expect(me?.kind === 'human' && me.human.isSelf).toBe(true);
  });

  it('resumes from the saved offset and reads nothing twice', async () => {
    const path = join(dir, 'resume.mbox');
    const msgs = Array.from({ length: 1200 }, (_, i) => `From x@y Mon Jan  5 10:00:00 2026\nMessage-ID: <r${i}@example.org>\nFrom: P${i % 7} <p${i % 7}@example.org>\nTo: me@example.net\nSubject: m${i}\n\nbody ${i} ${'x'.repeat(2000)}\n`);
    writeFileSync(path, msgs.join('\n'));
    const abort = new AbortController();
    const c = ctx(store);
    let seen = 0;
    c.progress = () => {
      if (++seen === 3) abort.abort();
    };
    c.signal = abort.signal;
    const first = await importMbox(path, c);
    expect(first.counts.read).toBeGreaterThan(0);
    expect(first.counts.read).toBeLessThan(1200);
    const cursor = JSON.parse((await store.getCursor(MBOX_CURSOR_SOURCE, path))!) as { offset: number };
    expect(cursor.offset).toBeGreaterThan(0);
    const second = await importMbox(path, ctx(store));
    expect(second.counts.resumedAt).toBe(cursor.offset);
    expect(first.counts.read! + second.counts.read!).toBe(1200);
    expect((await store.counts()).posts).toBe(1200);
    // A finished file is not read again.
    const third = await importMbox(path, ctx(store));
    expect(third.counts.read).toBe(0);
  });

  it('hostile input: huge message skipped with a note, malformed ones reported, the rest imported', async () => {
    const path = join(dir, 'hostile.mbox');
    const huge = `From x@y Mon Jan  5 10:00:00 2026\nMessage-ID: <huge@example.org>\nFrom: Big <big@example.org>\nTo: me@example.net\nSubject: attachment\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n${'QUFBQUFB\n'.repeat(40_000)}--b--\n`;
    const broken = `From x@y Mon Jan  5 10:00:00 2026\nMessage-ID: <broken@example.org>\nFrom: Broken <broken@example.org>\nContent-Type: multipart/mixed; boundary="never-closed"\n\n--never-closed\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: quoted-printable\n\nhalf =C3=\n`;
    const badUtf8 = Buffer.concat([Buffer.from('From x@y Mon Jan  5 10:00:00 2026\nMessage-ID: <utf@example.org>\nFrom: =?UTF-8?B?/w==?= <u@example.org>\nSubject: bytes \xff\xfe\nContent-Type: text/plain; charset=utf-8\n\nbad '), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), Buffer.from('\n')]);
    const noFrom = 'From x@y Mon Jan  5 10:00:00 2026\nMessage-ID: <nofrom@example.org>\nSubject: who\n\nnobody\n';
    const ok = 'From x@y Mon Jan  5 10:00:00 2026\nMessage-ID: <ok@example.org>\nFrom: Fine <fine@example.org>\nSubject: fine\n\nfine\n';
    writeFileSync(path, Buffer.concat([Buffer.from(huge + '\n' + broken + '\n'), badUtf8, Buffer.from('\n' + noFrom + '\n' + ok)]));
    const c = ctx(store, { email: { maxMessageBytes: 100_000 } });
    const s = await importMbox(path, c);
    expect(s.counts.truncated).toBe(1);
    expect(c.problems).toContainEqual({ file: path, record: expect.stringMatching(/^message 1 at byte 0 <huge@example.org>$/), reason: expect.stringMatching(/over the 100000-byte limit: headers kept, body skipped/) });
    expect(c.problems).toContainEqual(expect.objectContaining({ record: expect.stringMatching(/^message 4 .*<nofrom@example.org>$/), reason: expect.stringMatching(/no sender/) }));
    const counts = await store.counts();
    expect(counts.posts).toBe(4); // huge (headers only), broken, bad utf-8, ok
    const big = await store.person('email+addr:big@example.org');
    expect(big).not.toBeNull();
    expect(await store.person('email+addr:fine@example.org')).not.toBeNull();
  });

  it('Maildir: cur/ and new/ read, tmp/ skipped, .Sent marks the user', async () => {
    const root = join(FIXTURES, 'maildir');
    expect(await maildirImporter.detect(root, { isDirectory: true, head: Buffer.alloc(0) })).toBeGreaterThan(0.9);
    const s = await importMaildir(root, ctx(store));
    expect(s.counts.files).toBe(3);
    expect(s.counts.sent).toBe(1);
    const counts = await store.counts();
    expect(counts.posts).toBe(3);
    const grace = await store.person('email+addr:grace@navy.example');
    const acc = grace?.kind === 'persona' ? grace.persona.accounts[0] : grace?.human.personas[0]?.accounts[0];
    expect(acc?.names.map((x) => `${x.kind}:${x.name}`).sort()).toEqual(['alias:Amazing Grace', 'display:Grace Hopper', 'email:grace@navy.example']);
    const me = await store.person('email+addr:me@example.net');
    expect(me?.kind === 'human' && me.human.isSelf).toBe(true);
    expect(await store.person('email+addr:partial@example.org')).toBeNull();
    await importMaildir(root, ctx(store));
    expect(await store.counts()).toEqual(counts);
  });

  it('Maildir: a file over the size limit is read only up to its head, headers kept', async () => {
    const root = join(dir, 'md-huge');
    const { mkdirSync } = await import('node:fs');
    for (const d of ['cur', 'new', 'tmp']) mkdirSync(join(root, d), { recursive: true });
    writeFileSync(join(root, 'cur', '1.host:2,S'), `Message-ID: <huge-md@example.org>\nFrom: Heavy <heavy@example.org>\nSubject: big\n\n${'B'.repeat(3_000_000)}\n`);
    const c = ctx(store, { email: { maxMessageBytes: 1_000_000 } });
    const s = await importMaildir(root, c);
    expect(s.counts.truncated).toBe(1);
    expect(c.problems).toEqual([expect.objectContaining({ record: 'INBOX/1.host:2,S <huge-md@example.org>', reason: expect.stringMatching(/over the 1000000-byte limit/) })]);
    expect(await store.person('email+addr:heavy@example.org')).not.toBeNull();
  });

  it('detects an mbox by content, not by name', async () => {
    const p = join(dir, 'no-extension');
    copyFileSync(join(FIXTURES, 'takeout.mbox'), p);
    const head = Buffer.from('From 1780000000000000001@xxx Mon Jan 05 10:00:00 +0000 2026\r\nX-GM-THRID: 1\r\n');
    expect(await mboxImporter.detect(p, { isDirectory: false, head })).toBeGreaterThan(0.5);
    expect(await mboxImporter.detect(p, { isDirectory: false, head: Buffer.from('{"skrode": "observations"}') })).toBe(0);
  });
});
