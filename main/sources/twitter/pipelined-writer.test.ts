// PipelinedWriter against the real SQLite store: folding repeated sightings gives exactly the
// names and seen-ranges that applying every sighting gives; one invalid observation is reported
// and the rest of its batch is applied.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Observation } from '../../model/observations.js';
import { openSqliteStore } from '../../store/sqlite/index.js';
import type { ImportProblem } from '../importer.js';
import { PipelinedWriter } from './pipelined-writer.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'skrode-pw-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const prov = { source: 'test', file: 'f', record: '1' };
const sighting = (id: string, handle: string, day: number): Observation => ({
  type: 'account',
  externalId: `twitter+user:${id}`,
  names: [{ name: handle, kind: 'handle' }],
  seenAt: new Date(Date.UTC(2020, 0, day)).toISOString(),
  provenance: { ...prov },
});

describe('PipelinedWriter', () => {
  it.each([50_000, 1])('folds repeated sightings without changing what the store records (memory cap %i)', async (cap) => {
    const days = [5, 3, 9, 1, 7, 12, 2, 12, 6];
    const obs: Observation[] = [];
    for (const d of days) obs.push(sighting('1', '@ada', d), sighting('2', '@bob', 20 - d));
    obs.push(sighting('1', '@ada_new', 30));

    const folded = await openSqliteStore(join(tmp, `folded-${cap}.db`));
    const plain = await openSqliteStore(join(tmp, `plain-${cap}.db`));
    try {
      const w = new PipelinedWriter(folded, () => {}, 7, cap);
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
      const w = new PipelinedWriter(store, (p) => problems.push(p), 100);
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

  it('keeps the order of observations when a rejected batch is retried while later ones wait', async () => {
    const store = await openSqliteStore(join(tmp, 'order.db'));
    try {
      const problems: ImportProblem[] = [];
      // Batches of three, two in flight: the first batch is rejected (one bad observation) and
      // retried one by one, each retry waiting for the writer's answer; the second batch, read
      // meanwhile, says the newer text of a post the first one also holds.
      const w = new PipelinedWriter(store, (p) => problems.push(p), 3, 50_000, 2);
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
});
