// BatchWriter against the real SQLite store: folding repeated sightings gives exactly the names
// and seen-ranges that applying every sighting gives; one invalid observation is reported and the
// rest of its batch applied, in order; checkpoints run only after what came before them committed,
// and never after a failure; batches are bounded by their post text too.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Observation } from '../model/observations.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import { BatchWriter } from './batch-writer.js';
import type { ImportProblem } from './importer.js';

const tmp = mkdtempSync(join(tmpdir(), 'skrode-batch-writer-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const prov = { source: 'test', file: 'f', record: '1' };
const sighting = (id: string, handle: string, day: number): Observation => ({
  type: 'account',
  externalId: `twitter+user:${id}`,
  names: [{ name: handle, kind: 'handle' }],
  seenAt: new Date(Date.UTC(2020, 0, day)).toISOString(),
  provenance: { ...prov },
});
const account = (i: number): Observation => ({ type: 'account', externalId: `email+addr:p${i}@example.org`, names: [{ name: `P ${i}`, kind: 'display' }], provenance: { source: 'test' } });

describe('BatchWriter', () => {
  it.each([
    [50_000, false],
    [1, false],
    [50_000, true],
  ])('folds repeated sightings without changing what the store records (memory cap %i, bulk %s)', async (cap, bulk) => {
    const days = [5, 3, 9, 1, 7, 12, 2, 12, 6];
    const obs: Observation[] = [];
    for (const d of days) obs.push(sighting('1', '@ada', d), sighting('2', '@bob', 20 - d));
    obs.push(sighting('1', '@ada_new', 30));

    const folded = await openSqliteStore(join(tmp, `folded-${cap}-${bulk}.db`));
    const plain = await openSqliteStore(join(tmp, `plain-${cap}-${bulk}.db`));
    try {
      const w = new BatchWriter(folded, { problem: () => {}, batchSize: 7, foldSightings: cap, bulk });
      for (const o of obs) await w.add(structuredClone(o));
      await w.end();
      if (cap > 1) expect(w.folded).toBeGreaterThan(0);
      for (const o of obs) await plain.apply([o]);
      for (const id of ['twitter+user:1', 'twitter+user:2']) {
        const a = await folded.person(id);
        const b = await plain.person(id);
        const names = (p: typeof a) => (p?.kind === 'persona' ? p.persona.accounts[0]!.names : []);
        expect(names(a).length).toBeGreaterThan(0);
        expect(names(a)).toEqual(names(b));
      }
      expect(await folded.counts()).toEqual(await plain.counts());
    } finally {
      await folded.close();
      await plain.close();
    }
  });

  it('reports an observation the store refuses and applies the rest of its batch', async () => {
    const store = await openSqliteStore(join(tmp, 'bad.db'));
    try {
      const problems: ImportProblem[] = [];
      const w = new BatchWriter(store, { problem: (p) => problems.push(p), batchSize: 100 });
      await w.add({ type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'ok', provenance: { source: 'x', file: 'data/tweets.js', record: '#0' } });
      await w.add({ type: 'post', externalId: 'not an id', poster: 'twitter+user:1', provenance: { source: 'x', file: 'data/tweets.js', record: '#1' } });
      await w.add({ type: 'post', externalId: 'twitter+tweet:2', poster: 'twitter+user:1', text: 'ok', provenance: { source: 'x', file: 'data/tweets.js', record: '#2' } });
      await w.end();
      expect(problems).toEqual([expect.objectContaining({ file: 'data/tweets.js', record: '#1' })]);
      expect((await store.counts()).posts).toBe(2);
    } finally {
      await store.close();
    }
  });

  it.each([false, true])('keeps the order of observations when a rejected batch is retried while later ones wait (bulk %s)', async (bulk) => {
    const store = await openSqliteStore(join(tmp, `order-${bulk}.db`));
    try {
      const problems: ImportProblem[] = [];
      // Batches of three, two in flight: the first batch is rejected (one bad observation) and
      // retried one by one, each retry waiting for the writer's answer; the second batch, read
      // meanwhile, says the newer text of a post the first one also holds.
      const w = new BatchWriter(store, { problem: (p) => problems.push(p), batchSize: 3, maxInFlight: 2, bulk });
      const rec = (record: string) => ({ source: 'x', file: 'data/tweets.js', record });
      const post = (text: string, record: string): Observation => ({ type: 'post', externalId: 'twitter+tweet:7', poster: 'twitter+user:1', text, provenance: rec(record) });
      const account = (id: string, record: string): Observation => ({ type: 'account', externalId: `twitter+user:${id}`, provenance: rec(record) });
      for (const o of [account('2', '#0'), { type: 'post', externalId: 'not an id', provenance: rec('#1') } as Observation, post('older', '#2')]) await w.add(o);
      for (const o of [post('newer', '#3'), account('3', '#4'), account('4', '#5')]) await w.add(o);
      await w.end();
      expect(problems.map((p) => p.record)).toEqual(['#1']);
      expect(store.readDb.prepare("select text from posts where external_id = 'twitter+tweet:7'").get()).toEqual({ text: 'newer' });
    } finally {
      await store.close();
    }
  });

  it.each([false, true])('runs a checkpoint only after everything added before it is committed (bulk %s)', async (bulk) => {
    const store = await openSqliteStore(join(tmp, `a-${bulk}.db`));
    try {
      const w = new BatchWriter(store, { batchSize: 10, maxInFlight: 2, bulk });
      const seenAtCheckpoint: number[] = [];
      for (let i = 0; i < 35; i++) {
        await w.add(account(i));
        if (i === 14) w.checkpoint(async () => void seenAtCheckpoint.push((await store.counts()).accounts));
      }
      await w.flush();
      expect(w.observations).toBe(35);
      expect((await store.counts()).accounts).toBe(35);
      // The checkpoint was taken after 15 adds; by the time it ran, at least those were committed.
      expect(seenAtCheckpoint).toHaveLength(1);
      expect(seenAtCheckpoint[0]).toBeGreaterThanOrEqual(15);
    } finally {
      await store.close();
    }
  });

  it('with bulk, flush() sends and commits everything added', async () => {
    const store = await openSqliteStore(join(tmp, 'bulk-flush.db'));
    try {
      const w = new BatchWriter(store, { batchSize: 5, bulk: true });
      for (let i = 0; i < 12; i++) await w.add(account(i));
      // Ten sent in two batches (committed by now only if the writer was idle for 50 ms: see
      // bulk-transaction.test.ts), two still in hand.
      expect([0, 10]).toContain((await store.counts()).accounts);
      await w.flush();
      expect((await store.counts()).accounts).toBe(12);
    } finally {
      await store.close();
    }
  });

  it('bounds a batch by the post text it carries as well as by its size', async () => {
    const store = await openSqliteStore(join(tmp, 'b.db'));
    try {
      const sizes: number[] = [];
      const w = new BatchWriter({ apply: (b) => (sizes.push(b.length), store.apply(b)) }, { batchSize: 100, maxBatchChars: 1000 });
      const post = (i: number): Observation => ({ type: 'post', externalId: `email+msg:t${i}@x`, text: 'x'.repeat(400), provenance: { source: 'test' } });
      for (let i = 0; i < 7; i++) await w.add(post(i));
      await w.flush();
      // 400 characters each: the third post reaches 1000 characters and sends the batch.
      expect(sizes).toEqual([3, 3, 1]);
      expect((await store.counts()).posts).toBe(7);
    } finally {
      await store.close();
    }
  });

  it('a failed apply surfaces and its checkpoint never runs', async () => {
    let calls = 0;
    const failing = { apply: async () => Promise.reject(new Error(`disk full ${++calls}`)) };
    const w = new BatchWriter(failing as never, { batchSize: 2 });
    let ran = false;
    await w.add(account(1));
    w.checkpoint(async () => void (ran = true));
    await w.add(account(2));
    await expect(w.flush()).rejects.toThrow(/disk full/);
    expect(ran).toBe(false);
  });

  it('with two batches in flight, a checkpoint behind a failed batch never runs', async () => {
    let calls = 0;
    // The first batch fails after the second has been applied: the second's checkpoint must not
    // save a cursor past the lost first batch.
    const store = {
      apply: async () => {
        const n = ++calls;
        await new Promise((r) => setTimeout(r, n === 1 ? 50 : 0));
        if (n === 1) throw new Error('disk full');
        return {} as never;
      },
    };
    const w = new BatchWriter(store as never, { batchSize: 1, maxInFlight: 2 });
    let ran = false;
    await w.add(account(1));
    w.checkpoint(async () => void (ran = true));
    await w.add(account(2));
    await expect(w.flush()).rejects.toThrow(/disk full/);
    expect(calls).toBe(2);
    expect(ran).toBe(false);
  });
});
