// The Store contract on SQLite files, plus what only SQLite has: the FTS5 tables kept in step
// by the writer, and the writer running in its own thread while this thread reads.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Observation } from '../../model/observations.js';
import { describeStoreContract } from '../contract.js';
import { openSqliteStore, type SqliteStore } from './index.js';

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'skrode-sqlite-store-'));
  dirs.push(dir);
  return join(dir, 'skrode.db');
}

describeStoreContract('sqlite', async () => {
  const path = tempDb();
  const store = await openSqliteStore(path);
  return {
    store,
    cleanup: async () => {
      await store.close();
      rmSync(join(path, '..'), { recursive: true, force: true });
    },
  };
});

const prov = { source: 'sqlite-test' };

describe('SqliteStore specifics', () => {
  let store: SqliteStore;
  beforeEach(async () => {
    store = await openSqliteStore(tempDb());
  });
  afterEach(async () => {
    await store.close();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  /**
   * FTS5's own check, comparing each index with its content table (rank 1). It is spelled as an
   * INSERT, so it needs a writable handle: a separate checking connection, which changes nothing.
   */
  function ftsConsistent(): void {
    const db = new Database(store.path);
    try {
      for (const t of ['names_fts', 'names_tri', 'posts_fts']) db.prepare(`insert into ${t}(${t}, rank) values('integrity-check', 1)`).run();
    } finally {
      db.close();
    }
  }
  const matches = (q: string) => (store.readDb.prepare('select p.external_id as id from posts_fts f join posts p on p.id = f.rowid where posts_fts match ? order by p.id').all(q) as { id: string }[]).map((r) => r.id);
  const nameMatches = (table: string, q: string) => (store.readDb.prepare(`select n.name from ${table} f join names n on n.id = f.rowid where ${table} match ? order by n.id`).all(q) as { name: string }[]).map((r) => r.name);

  it('keeps the FTS indexes consistent after every kind of write', async () => {
    const steps: (() => Promise<unknown>)[] = [
      () => store.apply([{ type: 'account', externalId: 'twitter+user:1', names: [{ name: 'Zoë Ada', kind: 'display' }, { name: 'zoe', kind: 'handle' }], provenance: prov }]),
      () => store.apply([{ type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'Analytical engines are fun', refs: [{ rel: 'reply-to', post: 'twitter+tweet:0' }], provenance: prov }]),
      () => store.apply([{ type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'Difference engines are fun', provenance: prov }]),
      () => store.apply([{ type: 'post', externalId: 'twitter+tweet:5', text: 'a poster-less stub with words', provenance: prov }]),
      () => store.apply([{ type: 'post', externalId: 'twitter+tweet:0', poster: 'twitter+user:2', text: 'the parent, filled in', provenance: prov }]),
      () => store.apply([{ type: 'post', externalId: 'twitter+tweet:5', poster: 'twitter+user:2', text: 'stub filled with other words', provenance: prov }]),
      () => store.apply([{ type: 'post', externalId: 'twitter+tweet:0', poster: 'twitter+user:2', text: '', provenance: prov }]),
      () => store.apply([{ type: 'tombstone', post: 'twitter+tweet:1', provenance: prov }, { type: 'tombstone', post: 'twitter+tweet:77', provenance: prov }]),
      () => store.apply([{ type: 'interaction', account: 'twitter+user:1', post: 'twitter+tweet:8', kind: 'like', provenance: prov }]),
      () => store.apply([{ type: 'identity', accounts: ['twitter+user:1', 'twitter+user:2'], provenance: prov }]),
      async () => store.addPersonaName((await store.personaOf('twitter+user:1'))!, 'Ada Byron'),
      () => store.apply([{ type: 'account', externalId: 'twitter+user:3', names: [{ name: 'Third', kind: 'display' }], provenance: prov }]),
      async () => store.mergePersonas((await store.personaOf('twitter+user:1'))!, (await store.personaOf('twitter+user:3'))!),
      async () => store.splitMerge((await store.mergeLog())[0]!.id),
      async () => store.splitMerge((await store.mergeLog())[1]!.id),
      () => store.setNote({ persona: 'nobody' }, 'x').catch(() => undefined),
    ];
    for (const [i, step] of steps.entries()) {
      await step();
      expect(() => ftsConsistent(), `after step ${i}`).not.toThrow();
    }
    expect(matches('difference')).toEqual([]);
    expect(matches('engines')).toEqual([]);
    expect(matches('stub')).toEqual(['twitter+tweet:5']);
    expect(matches('parent')).toEqual([]);
    expect(nameMatches('names_fts', 'zoe')).toEqual(['Zoë Ada', '@zoe']);
    expect(nameMatches('names_fts', 'by*')).toEqual(['Ada Byron']);
    const tri = store.readDb.prepare("select n.name from names_tri f join names n on n.id = f.rowid where f.fold like '%oe a%'").all();
    expect(tri).toEqual([{ name: 'Zoë Ada' }]);
    const tomb = store.readDb.prepare("select text, raw, tombstone from posts where external_id = 'twitter+tweet:1'").get();
    expect(tomb).toEqual({ text: null, raw: null, tombstone: 1 });
  });

  it('stores edits, keeps tombstoned text gone, and never drops list members', async () => {
    await store.apply([{ type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'v1', raw: { v: 1 }, provenance: prov }]);
    await store.apply([{ type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'v2', raw: { v: 2 }, provenance: prov }]);
    expect(store.readDb.prepare("select text, raw from posts where external_id = 'twitter+tweet:1'").get()).toEqual({ text: 'v2', raw: '{"v":2}' });
    expect(matches('v2')).toEqual(['twitter+tweet:1']);
    expect(matches('v1')).toEqual([]);
    await store.apply([{ type: 'tombstone', post: 'twitter+tweet:1', provenance: prov }]);
    await store.apply([{ type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'v3', raw: { v: 3 }, provenance: prov }]);
    expect(store.readDb.prepare("select text, raw from posts where external_id = 'twitter+tweet:1'").get()).toEqual({ text: null, raw: null });
    expect(matches('v3')).toEqual([]);

    const list = (members: string[]): Observation => ({ type: 'list', externalId: 'twitter+list:1', name: 'l', members, provenance: prov });
    await store.apply([list(['twitter+user:1', 'twitter+user:2'])]);
    await store.apply([list(['twitter+user:3'])]);
    expect(store.readDb.prepare('select count(*) as n from list_membership').get()).toEqual({ n: 3 });
  });

  it('writes in a worker thread, and reads here see each committed batch', async () => {
    expect(store.writer.threadId).toBeGreaterThan(0);
    expect(store.writer.threadId).not.toBe(threadId);
    expect(await store.writer.call('threadId')).toBe(store.writer.threadId);
    for (let i = 0; i < 5; i++) {
      await store.apply([{ type: 'account', externalId: `twitter+user:${i}`, names: [{ name: `user ${i}`, kind: 'display' }], provenance: prov }]);
      expect((await store.counts()).accounts).toBe(i + 1);
      expect(await store.personaOf(`twitter+user:${i}`)).not.toBeNull();
    }
    // the read handle really is read-only
    expect(() => store.readDb.prepare("insert into personas (id, created_at) values ('x', 0)").run()).toThrow(/readonly/);
  });

  it('rejects calls in flight when the writer thread dies', async () => {
    const batch: Observation[] = Array.from({ length: 20_000 }, (_, i) => ({ type: 'account', externalId: `twitter+user:${i}`, names: [{ name: `n${i}`, kind: 'nick' }], provenance: prov }));
    const inFlight = store.apply(batch);
    await store.writer.terminate();
    await expect(inFlight).rejects.toThrow(/writer thread exited.*apply was not completed/);
    await expect(store.counts()).resolves.toBeDefined();
    await expect(store.setCursor('a', 'b', 'c')).rejects.toThrow(/writer thread exited/);
  });

  it('lets a process that forgot close() exit once its writes are done', () => {
    const dir = mkdtempSync(join(tmpdir(), 'skrode-noclose-'));
    dirs.push(dir);
    const script = join(dir, 'noclose.mts');
    const index = new URL('./index.ts', import.meta.url).pathname;
    writeFileSync(
      script,
      `import { openSqliteStore } from ${JSON.stringify(index)};\n` +
        `const store = await openSqliteStore(${JSON.stringify(join(dir, 'a.db'))});\n` +
        `const r = await store.apply([{ type: 'account', externalId: 'twitter+user:1', provenance: { source: 't' } }]);\n` +
        `console.log('applied', r.accounts);\n`,
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { encoding: 'utf8', timeout: 20_000, cwd: process.cwd() });
    expect(run.stdout.trim()).toBe('applied 1');
    expect(run.status).toBe(0);
  });

  it('refuses an in-memory database and unknown writer methods', async () => {
    await expect(openSqliteStore(':memory:')).rejects.toThrow(/needs a file/);
    await expect(store.writer.call('dropEverything')).rejects.toMatchObject({ name: 'StoreError', message: 'no writer method dropEverything' });
  });
});
