// `email.headers: {cc: suggest}` end to end through the real CLI: an mbox import stores the Cc
// addresses as suggestions (not accounts), a re-import counts nothing twice, and
// `skrode suggestions list|accept|dismiss` turns them into accounts or silences them for good.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { runCli } from '../../main/cli/program.js';
import { openSqliteStore } from '../../main/store/sqlite/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skrode-suggestions-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

function message(n: number, cc: string, date: string): string {
  return [
    `From ada@example.org Mon Jan  1 10:00:00 2024`,
    'From: Ada <ada@example.org>',
    'To: Bob <bob@example.org>',
    `Cc: ${cc}`,
    `Subject: note ${n}`,
    `Message-ID: <m${n}@example.org>`,
    `Date: ${date}`,
    '',
    'hello',
    '',
  ].join('\n');
}

async function cli(db: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await runCli(['node', 'skrode', '--db', db, '-c', join(dir, 'config.yml'), ...args]);
    return { code, out, err };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}

it('stores suggested addresses, lists, accepts and dismisses them, and a re-import duplicates nothing', async () => {
  const mbox = join(dir, 'mail.mbox');
  writeFileSync(
    mbox,
    [
      message(1, 'Cy Young <cy@example.org>, Dee <dee@example.org>', 'Mon, 1 Jan 2024 10:00:00 +0000'),
      message(2, '"Cy Y." <cy@example.org>', 'Wed, 3 Jan 2024 10:00:00 +0000'),
      // Bob is captured by To: in every message, so Cc: bob is no suggestion.
      message(3, 'bob@example.org', 'Thu, 4 Jan 2024 10:00:00 +0000'),
    ].join('\n'),
  );
  writeFileSync(join(dir, 'config.yml'), 'email:\n  headers:\n    cc: suggest\n');
  const db = join(dir, 'skrode.db');

  for (let i = 0; i < 2; i++) expect((await cli(db, 'import', '--quiet', '--as', 'mbox', mbox)).code).toBe(0);
  // The second import resumed at the end (the saved cursor): forget the cursor so a third reads every message again.
  const store0 = await openSqliteStore(db);
  await store0.setCursor('mbox', mbox, '{}');
  await store0.close();
  expect((await cli(db, 'import', '--quiet', '--as', 'mbox', mbox)).code).toBe(0);

  const list = await cli(db, 'suggestions', 'list');
  expect(list.code).toBe(0);
  expect(list.out).toBe(
    `cy@example.org  2 messages  2024-01-01..2024-01-03  "Cy Young", "Cy Y."  (mbox ${mbox})\n` + `dee@example.org  1 message  2024-01-01..2024-01-01  "Dee"  (mbox ${mbox})\n`,
  );

  const store1 = await openSqliteStore(db);
  expect(await store1.personaOf('email+addr:cy@example.org')).toBeNull();
  await store1.close();

  expect((await cli(db, 'suggestions', 'accept', 'CY@example.org')).out).toBe('accepted cy@example.org: now the account email+addr:cy@example.org\n');
  expect((await cli(db, 'suggestions', 'dismiss', 'dee@example.org')).out).toBe('dismissed dee@example.org\n');
  expect((await cli(db, 'suggestions')).out).toBe('no pending suggestions\n');
  expect((await cli(db, 'suggestions', 'list', '--dismissed')).out).toMatch(/^dee@example\.org {2}1 message/);
  const again = await cli(db, 'suggestions', 'accept', 'dee@example.org');
  expect(again.code).not.toBe(0);
  expect(again.err).toMatch(/dee@example\.org was dismissed/);
  expect((await cli(db, 'suggestions', 'dismiss', 'nobody@example.org')).err).toMatch(/no suggestion for nobody@example\.org/);

  const store = await openSqliteStore(db);
  try {
    const person = await store.person('email+addr:cy@example.org');
    expect(person?.kind).toBe('persona');
    const acc = person?.kind === 'persona' ? person.persona.accounts.find((a) => a.externalId === 'email+addr:cy@example.org') : undefined;
    expect(acc?.names.map((n) => [n.name, n.kind]).sort()).toEqual([
      ['Cy Y.', 'alias'],
      ['Cy Young', 'display'],
      ['cy@example.org', 'email'],
    ]);
    expect(await store.personaOf('email+addr:dee@example.org')).toBeNull();
    // Importing once more: cy is known now (captured as a known address would be under `update`)
    // and dee stays dismissed; nothing is pending.
    await store.setCursor('mbox', mbox, '{}');
  } finally {
    await store.close();
  }
  expect((await cli(db, 'import', '--quiet', '--as', 'mbox', mbox)).code).toBe(0);
  expect((await cli(db, 'suggestions')).out).toBe('no pending suggestions\n');
  expect((await cli(db, 'suggestions', 'list', '--dismissed')).out).toMatch(/^dee@example\.org {2}1 message/);
});
