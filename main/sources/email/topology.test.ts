import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImapFlow } from 'imapflow';
import { afterAll, describe, expect, it } from 'vitest';
import { binaryAvailable } from '../../../test/services.js';
import { loadConfigText } from '../../config/index.js';
import { openSqliteStore } from '../../store/sqlite/store.js';
import { resolveTarget } from '../../topology/targets.js';
import type { WorkerContext } from '../../topology/context.js';
import { imapAccountFromArgs } from './topology.js';
import { Dovecot, DOVECOT_BIN } from './testing/dovecot.js';

const dir = mkdtempSync(join(tmpdir(), 'skrode-email-topology-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('email:imap worker arguments', () => {
  it('checks the account and never echoes a secret', () => {
    expect(() => imapAccountFromArgs({ user: 'u', password: 'p' }, 'w')).toThrow(/imap needs host/);
    expect(() => imapAccountFromArgs({ host: 'h', user: 'u' }, 'w')).toThrow(/password or accessToken/);
    expect(() => imapAccountFromArgs({ host: 'h', user: 'u', password: 'hunter2', port: 'x' }, 'w')).toThrow(/port/);
    try {
      imapAccountFromArgs({ host: 'h', user: 'u', password: 'hunter2', folders: 'INBOX' }, 'w');
    } catch (e) {
      expect((e as Error).message).not.toContain('hunter2');
    }
    expect(imapAccountFromArgs({ host: 'h', user: 'u', accessToken: 't', folders: ['INBOX'], port: 993 }, 'w')).toEqual({ name: 'w', host: 'h', user: 'u', port: 993, accessToken: 't', folders: ['INBOX'] });
  });
});

describe.runIf(await binaryAvailable('dovecot IMAP server', DOVECOT_BIN))('email:imap custom worker against dovecot', () => {
  it('follows the account with the password from the environment and the policy from email:', async () => {
    const dovecot = await new Dovecot().start();
    const store = await openSqliteStore(join(dir, 'w.db'));
    const admin = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user: dovecot.user, pass: dovecot.password }, logger: false });
    await admin.connect();
    const abort = new AbortController();
    try {
      await admin.append('INBOX', 'Message-ID: <t1@example.org>\r\nFrom: Zoe <zoe@example.org>\r\nTo: alice@wonderland.example\r\nList-Id: <talk.example.org>\r\nSubject: hi\r\n\r\nhello\r\n');
      const yaml = [
        'email:',
        '  self: [alice@wonderland.example]',
        '  ignoreLists: []',
        'imap_test:',
        '  type: custom',
        '  target: email:imap',
        '  host: 127.0.0.1',
        `  port: ${dovecot.port}`,
        '  secure: false',
        `  user: ${dovecot.user}`,
        '  password: !skrode/env TEST_IMAP_PASSWORD',
        '',
      ].join('\n');
      const config = loadConfigText(yaml, { dataDir: dir, env: { TEST_IMAP_PASSWORD: dovecot.password } });
      const section = config.section('imap_test');
      const args = Object.fromEntries(['host', 'port', 'secure', 'user', 'password'].map((k) => [k, section.get(k)]));
      const logs: string[] = [];
      const ctx: WorkerContext = { worker: 'imap_test', replica: 0, host: 'test', signal: abort.signal, log: (m) => void logs.push(m), config, store: async () => store };
      const fn = (await resolveTarget('email:imap', dir)) as (args: Record<string, unknown>, ctx: WorkerContext) => Promise<void>;
      const running = fn(args, ctx);
      const end = Date.now() + 15_000;
      while ((await store.counts()).posts < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect((await store.counts()).posts).toBe(1);
      expect((await store.counts()).notes).toBe(1);
      abort.abort();
      await running;
      expect(logs.join('\n')).not.toContain(dovecot.password);
    } finally {
      abort.abort();
      await admin.logout().catch(() => {});
      await store.close();
      await dovecot.stop();
    }
  });
});
