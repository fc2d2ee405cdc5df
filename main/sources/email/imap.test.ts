import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binaryAvailable } from '../../../test/services.js';
import { openSqliteStore, type SqliteStore } from '../../store/sqlite/store.js';
import type { ImportProblem } from '../importer.js';
import { followImapAccount, imapClientOptions, imapCursorSource, ImapSync, type ImapAccount } from './imap.js';
import { parseEmailPolicy } from './policy.js';
import { CuttableProxy, Dovecot, DOVECOT_BIN } from './testing/dovecot.js';

const msg = (id: string, from: string, extra = '', body = 'hello') =>
  `Message-ID: <${id}@example.org>\r\nDate: Mon, 5 Jan 2026 10:00:00 +0000\r\nFrom: ${from}\r\nTo: Alice <alice@wonderland.example>\r\nSubject: ${id}\r\n${extra}\r\n${body}\r\n`;

async function until(cond: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(await binaryAvailable('dovecot IMAP server', DOVECOT_BIN))('IMAP against a real dovecot', () => {
  const dovecot = new Dovecot();
  const dir = mkdtempSync(join(tmpdir(), 'skrode-imap-'));
  let admin: ImapFlow;
  let store: SqliteStore;
  const account = (): ImapAccount => ({ name: 'test', host: '127.0.0.1', port: dovecot.port, secure: false, user: dovecot.user, password: dovecot.password, folders: ['INBOX', 'Sent'], autoIdleDelay: 200 });
  const append = (folder: string, raw: string) => admin.append(folder, raw);

  beforeAll(async () => {
    await dovecot.start();
    admin = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await admin.connect();
    store = await openSqliteStore(join(dir, 'imap.db'));
  });
  afterAll(async () => {
    await admin?.logout().catch(() => {});
    await store?.close();
    await dovecot.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads INBOX and Sent, resumes from the last UID, re-reads after a UIDVALIDITY change', async () => {
    await append('INBOX', msg('in-1', 'Bob <bob@example.org>'));
    await append('INBOX', msg('in-2', 'Carol <carol@example.org>', 'In-Reply-To: <in-1@example.org>\r\n'));
    await append('Sent', `Message-ID: <out-1@example.org>\r\nFrom: Alice <alice@wonderland.example>\r\nTo: Bob <bob@example.org>\r\nSubject: out\r\n\r\nreply\r\n`);
    const problems: ImportProblem[] = [];
    const client = new ImapFlow(imapClientOptions(account()));
    await client.connect();
    try {
      const sync = new ImapSync(account(), { store, policy: parseEmailPolicy({}), onProblem: (p) => void problems.push(p) });
      const folders = await sync.folders(client);
      expect(folders).toEqual([
        { path: 'INBOX', sent: false },
        { path: 'Sent', sent: true },
      ]);
      expect(await sync.syncFolder(client, folders[0]!)).toBe(2);
      expect(await sync.syncFolder(client, folders[1]!)).toBe(1);
      const cur = JSON.parse((await store.getCursor(imapCursorSource('test'), 'INBOX'))!) as { uidValidity: string; lastUid: number };
      expect(cur.lastUid).toBe(2);
      // Nothing new: nothing read.
      expect(await sync.syncFolder(client, folders[0]!)).toBe(0);
      await append('INBOX', msg('in-3', 'Dan <dan@example.org>'));
      expect(await sync.syncFolder(client, folders[0]!)).toBe(1);
      const me = await store.person('email+addr:alice@wonderland.example');
      expect(me?.kind === 'human' && me.human.isSelf).toBe(true);
      const counts = await store.counts();
      expect(counts.posts).toBe(4);

      // The server renumbered the folder: read again, change nothing.
      await store.setCursor(imapCursorSource('test'), 'INBOX', JSON.stringify({ uidValidity: '1', lastUid: 99 }));
      expect(await sync.syncFolder(client, folders[0]!)).toBe(3);
      expect(sync.counts.resets).toBe(1);
      expect(await store.counts()).toEqual(counts);
      expect(problems).toEqual([]);
    } finally {
      await client.logout();
    }
  });

  it('a message over the size limit is read as headers only, with a note', async () => {
    await append('INBOX', msg('big-1', 'Eve <eve@example.org>', 'Content-Type: text/plain\r\n', 'x'.repeat(50_000)));
    const problems: ImportProblem[] = [];
    const client = new ImapFlow(imapClientOptions(account()));
    await client.connect();
    try {
      const sync = new ImapSync(account(), { store, policy: parseEmailPolicy({ maxMessageBytes: 10_000 }), onProblem: (p) => void problems.push(p) });
      expect(await sync.syncFolder(client, { path: 'INBOX', sent: false })).toBe(1);
      expect(sync.counts.headersOnly).toBe(1);
      expect(problems).toEqual([expect.objectContaining({ file: 'imap:test/INBOX', record: expect.stringMatching(/^UID \d+ <big-1@example.org>$/), reason: expect.stringMatching(/over the 10000-byte limit/) })]);
      expect(await store.person('email+addr:eve@example.org')).not.toBeNull();
    } finally {
      await client.logout();
    }
  });

  it('follows the account live (IDLE), reconnects after a network loss, stops on abort', async () => {
    const proxy = await new CuttableProxy(dovecot.port).start();
    const abort = new AbortController();
    const problems: ImportProblem[] = [];
    let passes = 0;
    const acc = { ...account(), port: proxy.port };
    const running = followImapAccount(acc, { store, policy: parseEmailPolicy({}), signal: abort.signal, onProblem: (p) => void problems.push(p), onPass: () => void passes++, minRetryMs: 100, pollMs: 60_000 });
    try {
      await until(() => passes >= 1, 15_000, 'first pass');
      const before = (await store.counts()).posts;
      await append('INBOX', msg('live-1', 'Frank <frank@example.org>'));
      await until(async () => (await store.counts()).posts === before + 1, 15_000, 'live message via IDLE');

      proxy.cut();
      await until(() => proxy.connections >= 2, 15_000, 'reconnect');
      await append('INBOX', msg('live-2', 'Grace <grace@example.org>'));
      await until(async () => (await store.counts()).posts === before + 2, 20_000, 'message after reconnect');
      // Only connection trouble was reported, never a message.
      expect(problems.every((p) => p.file === 'imap:test')).toBe(true);
    } finally {
      abort.abort();
      await running;
      await proxy.stop();
    }
  });

  it('a restart reads nothing twice; a wrong password is reported, not thrown', async () => {
    const abort = new AbortController();
    const stored: number[] = [];
    const running = followImapAccount(account(), { store, policy: parseEmailPolicy({}), signal: abort.signal, onPass: (n) => void stored.push(n), pollMs: 60_000 });
    await until(() => stored.length >= 1, 15_000, 'pass after restart');
    abort.abort();
    await running;
    expect(stored[0]).toBe(0);

    const bad = new AbortController();
    const problems: ImportProblem[] = [];
    const p = followImapAccount({ ...account(), password: 'wrong' }, { store, policy: parseEmailPolicy({}), signal: bad.signal, onProblem: (x) => void problems.push(x) });
    await until(() => problems.length >= 1, 15_000, 'login problem');
    bad.abort();
    await p;
    expect(problems[0]!.reason).toMatch(/login failed for alice|authenticat/i);
    expect(JSON.stringify(problems)).not.toContain('wrong');
  });
});
