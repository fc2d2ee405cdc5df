import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../model/observations.js';
import { openSqliteStore } from '../../store/sqlite/store.js';
import { PipelinedWriter } from './pipelined-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'skrode-pipelined-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const account = (i: number): Observation => ({ type: 'account', externalId: `email+addr:p${i}@example.org`, names: [{ name: `P ${i}`, kind: 'display' }], provenance: { source: 'test' } });

describe('PipelinedWriter', () => {
  it('runs a checkpoint only after everything added before it is committed', async () => {
    const store = await openSqliteStore(join(dir, 'a.db'));
    try {
      const w = new PipelinedWriter(store, 10);
      const seenAtCheckpoint: number[] = [];
      for (let i = 0; i < 35; i++) {
        await w.add(account(i));
        if (i === 14) w.checkpoint(async () => void seenAtCheckpoint.push((await store.counts()).accounts));
      }
      await w.flush();
      expect(w.total).toBe(35);
      expect((await store.counts()).accounts).toBe(35);
      // The checkpoint was taken after 15 adds; by the time it ran, at least those were committed.
      expect(seenAtCheckpoint).toHaveLength(1);
      expect(seenAtCheckpoint[0]).toBeGreaterThanOrEqual(15);
    } finally {
      await store.close();
    }
  });

  it('bounds a batch by the post text it carries as well as by its size', async () => {
    const store = await openSqliteStore(join(dir, 'b.db'));
    try {
      const sizes: number[] = [];
      const w = new PipelinedWriter({ apply: (b) => (sizes.push(b.length), store.apply(b)) }, 100, 1000);
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
    const w = new PipelinedWriter(failing as never, 2);
    let ran = false;
    await w.add(account(1));
    w.checkpoint(async () => void (ran = true));
    await w.add(account(2));
    await expect(w.flush()).rejects.toThrow(/disk full/);
    expect(ran).toBe(false);
  });
});
