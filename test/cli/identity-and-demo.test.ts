// The identity commands (persona merge/split/name/log, human link) and `skrode demo`, through the
// real CLI: in process via runCli for the identity commands, and as a real process (the built
// bin/skrode.js, as a user runs it) for the demo.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../main/cli/program.js';
import { openSqliteStore } from '../../main/store/sqlite/index.js';
import { packageRoot } from '../../main/util/worker-entry.js';

let dir: string;
let db: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'skrode-cli-'));
  db = join(dir, 'skrode.db');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => ((out += String(s)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => ((err += String(s)), true));
  try {
    const code = await runCli(['node', 'skrode', '--db', db, ...args]);
    return { code, out, err };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}

function seed(): string {
  const file = join(dir, 'seed.jsonl');
  const lines = [
    { type: 'account', externalId: 'twitter+user:10', names: [{ name: '@grace', kind: 'handle' }, { name: 'Grace Hopper', kind: 'display' }] },
    { type: 'account', externalId: 'github+user:ghopper', names: [{ name: 'ghopper', kind: 'handle' }] },
    { type: 'account', externalId: 'email+addr:grace@navy.example', names: [{ name: 'grace@navy.example', kind: 'email' }] },
  ];
  writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n'));
  return file;
}

describe('identity commands', () => {
  it('merges two personas by account id, logs the merge, and splits it back', async () => {
    expect((await cli('import', '--quiet', seed())).code).toBe(0);
    const merged = await cli('persona', 'merge', 'twitter+user:10', 'github+user:ghopper', '--reason', 'same avatar');
    expect(merged.code).toBe(0);
    const id = /persona split (\S+)/.exec(merged.out)?.[1];
    expect(id).toBeTruthy();

    let store = await openSqliteStore(db);
    expect(await store.personaOf('github+user:ghopper')).toBe(await store.personaOf('twitter+user:10'));
    await store.close();

    const log = await cli('persona', 'log');
    expect(log.out).toContain(id!);
    expect(log.out).toContain('same avatar');

    expect((await cli('persona', 'split', id!)).code).toBe(0);
    store = await openSqliteStore(db);
    expect(await store.personaOf('github+user:ghopper')).not.toBe(await store.personaOf('twitter+user:10'));
    await store.close();
    expect((await cli('persona', 'log')).out).toMatch(/undone/);
  });

  it('links personas under one human with typed relations, and whois shows the human', async () => {
    await cli('import', '--quiet', seed());
    const linked = await cli('human', 'link', 'twitter+user:10', 'email+addr:grace@navy.example', '--rel', 'owns');
    expect(linked.code).toBe(0);
    const humans = [...linked.out.matchAll(/human (\S+) owns/g)].map((m) => m[1]);
    expect(humans).toHaveLength(2);
    expect(humans[0]).toBe(humans[1]);
    const w = await cli('whois', 'grace');
    const docs = parseAllDocuments(w.out).map((d) => d.toJS() as Record<string, unknown>);
    expect(docs[0]!.human).toBe(humans[0]);
    expect((docs[0]!.personas as unknown[]).length).toBe(2);
  });

  it('gives a persona a name whois finds', async () => {
    await cli('import', '--quiet', seed());
    expect((await cli('persona', 'name', 'github+user:ghopper', 'Amazing Grace')).code).toBe(0);
    const w = await cli('whois', 'amazing');
    expect(w.code).toBe(0);
    expect(w.out).toContain('github+user:ghopper');
  });

  it('refuses unknown accounts and bad relations with a clear message', async () => {
    await cli('import', '--quiet', seed());
    const r = await cli('persona', 'merge', 'twitter+user:10', 'twitter+user:404');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/no account twitter\+user:404/);
    const bad = await cli('human', 'link', 'twitter+user:10', '--rel', 'married');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--rel must be one of owns, participates, suspected/);
  });
});

describe('skrode demo (as a process)', () => {
  it('builds a fresh database in the given folder, prints whois answers and where the database is', () => {
    const target = join(dir, 'demo');
    const r = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'skrode.js'), 'demo', '--dir', target], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`The demo database is ${join(target, 'skrode.db')}`);
    // Every demo query found somebody: each is followed by a YAML document, not "nobody matches".
    for (const q of ['mira', 'weissmuller', '@ardenmk', 'priya.raman@example.org', 'zoe', 'okonkow']) expect(r.stdout).toContain(`whois ${q}\n---\n`);
    expect(r.stdout).toContain('Jonas Weißmüller');
    // YAML quotes an id that would otherwise read as a number (e.g. one starting 0b1...).
    expect(r.stdout).toMatch(/human: (["']?)[0-9a-f-]{36}\1\npersonas:/);
    // The database is really there and usable by the next command the demo suggests.
    const again = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'skrode.js'), '--db', join(target, 'skrode.db'), 'whois', '--json', 'tomas'], { encoding: 'utf8' });
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)[0].matched.name).toMatch(/Tomás/);
  });

  it('refuses a folder that is not empty', () => {
    writeFileSync(join(dir, 'precious.txt'), 'do not touch');
    const r = spawnSync(process.execPath, [join(packageRoot(), 'bin', 'skrode.js'), 'demo', '--dir', dir], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/is not empty/);
  });
});
