// The races two hosts can run into, made to happen deterministically: a transaction is paused
// (through a hook on its client) right before it inserts its new posts, another host creates
// the same posts and commits, then the first goes on. Also the whole-transaction retry after a
// deadlock or serialization failure, and that a non-retryable error is not retried.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import type { Observation } from '../../model/observations.js';
import { postgresAvailable } from '../../../test/services.js';
import { applyBatch } from './apply.js';
import { withTransaction } from './tx.js';
import { freshPostgresStore, type TestStore } from './testing.js';

const P = { source: 'race-test' };

function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A client whose first statement matching `pattern` waits for `gate` (after signalling `reached`). */
function pausing(client: pg.PoolClient, pattern: RegExp, reached: () => void, gate: Promise<void>): pg.PoolClient {
  let armed = true;
  return new Proxy(client, {
    get(target, key) {
      if (key === 'query') {
        return async (text: unknown, params?: unknown[]) => {
          if (armed && typeof text === 'string' && pattern.test(text)) {
            armed = false;
            reached();
            await gate;
          }
          return target.query(text as string, params);
        };
      }
      const v: unknown = Reflect.get(target, key);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe.runIf(await postgresAvailable())('PostgresStore races', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await freshPostgresStore();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('a batch that loses the race for its new posts plans them again and records everything once', async () => {
    const batchA: Observation[] = [
      { type: 'post', externalId: 'twitter+tweet:a1', poster: 'twitter+user:a', text: 'reply from A', refs: [{ rel: 'reply-to', post: 'twitter+tweet:shared' }], provenance: P },
      { type: 'post', externalId: 'twitter+tweet:both', poster: 'twitter+user:a', text: 'text from A', distribution: [{ rel: 'broadcast' }], provenance: P },
    ];
    const batchB: Observation[] = [
      { type: 'post', externalId: 'twitter+tweet:shared', poster: 'twitter+user:b', text: 'the parent', provenance: P },
      { type: 'post', externalId: 'twitter+tweet:both', poster: 'twitter+user:b', text: 'text from B', provenance: P },
    ];
    const client = await t.store.pool.connect();
    const reached = deferred();
    const gate = deferred();
    let races = 0;
    try {
      await client.query('begin');
      const paused = pausing(client, /^\s*insert into posts/, reached.resolve, gate.promise);
      const running = applyBatch({ client: paused, now: Date.now(), knownServices: new Set(), mergeSeq: 0, onRace: () => races++ }, batchA);
      await reached.promise;
      // Another host creates both posts A is about to insert, and commits.
      expect(await t.store.apply(batchB)).toMatchObject({ posts: 2, accounts: 1 });
      gate.resolve();
      const { result } = await running;
      await client.query('commit');
      expect(races).toBe(1);
      // As if A had come second: its one new post, its edit of "both", its reply edge.
      expect(result).toMatchObject({ posts: 1, stubs: 0, edges: 1, accounts: 1 });
    } finally {
      client.release();
    }
    const rows = (await t.store.pool.query("select external_id, text from posts order by external_id")).rows;
    expect(rows).toEqual([
      { external_id: 'twitter+tweet:a1', text: 'reply from A' },
      { external_id: 'twitter+tweet:both', text: 'text from A' },
      { external_id: 'twitter+tweet:shared', text: 'the parent' },
    ]);
    expect(await t.store.counts()).toMatchObject({ posts: 3, stubs: 0, postRelationships: 1, distribution: 1, accounts: 2, personas: 2 });
  });

  it('two hosts creating the same new accounts at once keep one persona each, no orphans', async () => {
    const client = await t.store.pool.connect();
    const reached = deferred();
    const gate = deferred();
    const batch: Observation[] = [{ type: 'account', externalId: 'github+user:race', names: [{ name: 'race', kind: 'handle' }], provenance: P }];
    try {
      await client.query('begin');
      const paused = pausing(client, /^\s*insert into accounts/, reached.resolve, gate.promise);
      const running = applyBatch({ client: paused, now: Date.now(), knownServices: new Set(), mergeSeq: 0 }, batch);
      await reached.promise;
      expect(await t.store.apply(batch)).toMatchObject({ accounts: 1, names: 1 });
      gate.resolve();
      const { result } = await running;
      await client.query('commit');
      expect(result).toMatchObject({ accounts: 0, names: 0 });
    } finally {
      client.release();
    }
    const c = await t.store.counts();
    expect(c.personas).toBe(c.accounts);
    expect((await t.store.pool.query("select count(*)::int as n from personas p where not exists (select 1 from accounts a where a.persona = p.id)")).rows).toEqual([{ n: 0 }]);
  });

  it('retries the whole transaction after a deadlock or serialization failure, a bounded number of times', async () => {
    let calls = 0;
    const retried: string[] = [];
    const v = await withTransaction(
      t.store.pool,
      async (c) => {
        calls++;
        await c.query("insert into ingest_cursors (source, key, value, updated_at) values ('retry', 'k', $1, now()) on conflict (source, key) do update set value = excluded.value", [String(calls)]);
        if (calls < 3) throw Object.assign(new Error(calls === 1 ? 'deadlock detected' : 'could not serialize access'), { code: calls === 1 ? '40P01' : '40001' });
        return calls;
      },
      { onRetry: (e) => retried.push((e as { code: string }).code) },
    );
    expect(v).toBe(3);
    expect(retried).toEqual(['40P01', '40001']);
    expect(await t.store.getCursor('retry', 'k')).toBe('3');

    calls = 0;
    await expect(
      withTransaction(
        t.store.pool,
        async () => {
          calls++;
          throw Object.assign(new Error('deadlock detected'), { code: '40P01' });
        },
        { retries: 2 },
      ),
    ).rejects.toThrow(/deadlock/);
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      withTransaction(t.store.pool, async (c) => {
        calls++;
        await c.query("insert into ingest_cursors (source, key, value, updated_at) values ('retry', 'k2', 'x', now())");
        throw new Error('not retryable');
      }),
    ).rejects.toThrow(/not retryable/);
    expect(calls).toBe(1);
    expect(await t.store.getCursor('retry', 'k2')).toBeNull();
  });
});
