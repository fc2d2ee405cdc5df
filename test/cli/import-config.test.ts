// `skrode import` passes the config's importer sections (the email capture policy) to the
// importers: a message from a sender the config ignores is skipped (as BBDB skips mailer-daemon),
// so neither its sender nor its recipients become accounts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { runCli } from '../../main/cli/program.js';
import { openSqliteStore } from '../../main/store/sqlite/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skrode-import-config-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const MBOX = [
  'From robot@alerts.example Mon Jan  1 10:00:00 2024',
  'From: Alert Robot <robot@alerts.example>',
  'To: Ada <ada@example.org>',
  'Subject: ping',
  'Message-ID: <m1@alerts.example>',
  'Date: Mon, 1 Jan 2024 10:00:00 +0000',
  '',
  'beep',
  '',
].join('\n');

async function importWith(config: string | null): Promise<string[]> {
  const mbox = join(dir, 'mail.mbox');
  writeFileSync(mbox, MBOX);
  const db = join(dir, config === null ? 'plain.db' : 'configured.db');
  const args = ['node', 'skrode', '--db', db];
  if (config !== null) {
    const file = join(dir, 'config.yml');
    writeFileSync(file, config);
    args.push('-c', file);
  }
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const code = await runCli([...args, 'import', '--quiet', mbox]);
  vi.restoreAllMocks();
  expect(code).toBe(0);
  const store = await openSqliteStore(db);
  try {
    const found: string[] = [];
    for (const id of ['email+addr:robot@alerts.example', 'email+addr:ada@example.org']) if (await store.personaOf(id)) found.push(id);
    return found;
  } finally {
    await store.close();
  }
}

it('applies the email capture policy from config.yml', async () => {
  expect(await importWith(null)).toEqual(['email+addr:robot@alerts.example', 'email+addr:ada@example.org']);
  expect(await importWith('email:\n  ignore: ["^robot@"]\n')).toEqual([]);
});
