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
});
