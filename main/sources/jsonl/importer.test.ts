import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportProblem } from '../importer.js';
import { openSqliteStore } from '../../store/sqlite/index.js';
import type { Store } from '../../store/port.js';
import { importJsonl, jsonlImporter } from './importer.js';

const stores: Store[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function fresh(): Promise<{ store: Store; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'skrode-jsonl-'));
  const store = await openSqliteStore(join(dir, 'skrode.db'));
  stores.push(store);
  return { store, dir };
}

async function run(store: Store, file: string) {
  const problems: ImportProblem[] = [];
  const summary = await importJsonl(file, { store, problem: (p) => problems.push(p), progress: () => {} });
  return { summary, problems };
}

const ada = { type: 'account', externalId: 'github+user:ada', names: [{ name: 'Ada Lovelace', kind: 'display' }], seenAt: '2024-01-01T00:00:00Z' };
const post = { type: 'post', externalId: 'github+comment:1', poster: 'github+user:ada', text: 'notes on the engine', when: '2024-01-02T00:00:00Z' };

describe('JSON-lines import', () => {
  it('applies the good lines and reports each bad one by line number and reason', async () => {
    const { store, dir } = await fresh();
    const file = join(dir, 'obs.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({ skrode: 'observations', version: 1 }),
        '# a comment',
        JSON.stringify(ada),
        '{"type": "account", "externalId": "not an id"}',
        '{ this is not json',
        '',
        JSON.stringify({ type: 'spaceship', externalId: 'x+y:z' }),
        JSON.stringify(post),
        JSON.stringify({ type: 'post', externalId: 'github+comment:2', poster: 'github+user:ada', when: 'yesterday-ish' }),
      ].join('\n'),
    );
    const { summary, problems } = await run(store, file);
    expect(problems.map((p) => p.record)).toEqual(['line 4', 'line 5', 'line 7', 'line 9']);
    expect(problems.every((p) => p.file === file)).toBe(true);
    expect(problems[0]!.reason).toMatch(/external id/i);
    expect(problems[1]!.reason).toMatch(/malformed JSON/);
    expect(problems[2]!.reason).toMatch(/type/);
    expect(problems[3]!.reason).toMatch(/when|time|date/i);
    expect(summary.observations).toBe(2);
    const c = await store.counts();
    expect(c.accounts).toBe(1);
    expect(c.posts).toBe(1);
    const person = await store.person('github+user:ada');
    expect(JSON.stringify(person)).toContain('Ada Lovelace');
  });

  it('is idempotent: importing the same file twice leaves the same counts', async () => {
    const { store, dir } = await fresh();
    const file = join(dir, 'obs.jsonl');
    writeFileSync(file, `${JSON.stringify(ada)}\n${JSON.stringify(post)}\n`);
    await run(store, file);
    const first = await store.counts();
    await run(store, file);
    expect(await store.counts()).toEqual(first);
  });

  it('refuses a file written in a newer format version, applying nothing', async () => {
    const { store, dir } = await fresh();
    const file = join(dir, 'future.jsonl');
    writeFileSync(file, `${JSON.stringify({ skrode: 'observations', version: 99 })}\n${JSON.stringify(ada)}\n`);
    await expect(run(store, file)).rejects.toThrow(/version 99 is newer/);
    expect((await store.counts()).accounts).toBe(0);
  });

  it('fills in provenance naming the file and line', async () => {
    const { store, dir } = await fresh();
    const file = join(dir, 'prov.jsonl');
    writeFileSync(file, `\n${JSON.stringify(ada)}\n`);
    await run(store, file);
    const person = await store.person('github+user:ada');
    expect(person).not.toBeNull();
  });

  it('detects JSON lines by content', () => {
    const head = Buffer.from(`${JSON.stringify(ada)}\n`);
    expect(jsonlImporter.detect('/x/whatever.txt', { isDirectory: false, head })).toBeGreaterThan(0.5);
    expect(jsonlImporter.detect('/x/whatever.txt', { isDirectory: false, head: Buffer.from('BEGIN:VCARD\n') })).toBe(0);
  });
});
