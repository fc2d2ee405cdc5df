// Two hosts (two stores, two pools) applying overlapping batches at the same time into one
// schema must neither deadlock nor duplicate anything: the result must equal applying every
// batch once, one after another, into a reference schema.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../model/observations.js';
import { rng } from '../../util/rng.js';
import { postgresAvailable, PG_URL } from '../../../test/services.js';
import { openPostgresStore } from './index.js';
import type { PostgresStore } from './store.js';
import { dropSchema, freshPostgresStore, randomSchema, type TestStore } from './testing.js';

function makeBatches(seed: number, count: number, size: number): Observation[][] {
  const r = rng(seed);
  const pick = (n: number) => Math.floor(r() * n);
  const user = () => `twitter+user:${pick(300)}`;
  const tweet = () => `twitter+tweet:${pick(600)}`;
  const P = { source: 'concurrency-test' };
  const day = () => `2024-0${1 + pick(9)}-1${pick(10)}T00:00:00Z`;
  const batches: Observation[][] = [];
  for (let b = 0; b < count; b++) {
    const batch: Observation[] = [];
    for (let i = 0; i < size; i++) {
      const k = pick(7);
      if (k === 0) {
        const u = user();
        // Profiles, texts, posters and list names are fixed per id: "last one wins" fields
        // must not depend on which host got there first for the comparison to be exact.
        batch.push({ type: 'account', externalId: u, names: [{ name: `@${u.slice(13)}`, kind: 'handle' }, { name: `Name ${pick(3)}`, kind: 'display' }], seenAt: day(), profile: { n: u.length }, provenance: P });
      } else if (k === 1 || k === 2) {
        const id = pick(600);
        batch.push({
          type: 'post',
          externalId: `twitter+tweet:${id}`,
          poster: `twitter+user:${id % 300}`,
          text: `text ${id}`,
          when: `2023-01-01T00:00:${String(id % 60).padStart(2, '0')}Z`,
          refs: [{ rel: 'reply-to', post: tweet() }],
          distribution: [{ rel: 'broadcast' }, { rel: 'to', target: user() }, { rel: 'list', target: `twitter+list:${pick(5)}` }],
          links: [`https://example.org/${pick(50)}`],
          provenance: P,
        });
      } else if (k === 3) {
        batch.push({ type: 'relationship', from: user(), to: user(), kind: 'follows', when: day(), provenance: P });
      } else if (k === 4) {
        batch.push({ type: 'interaction', account: user(), post: tweet(), kind: 'like', when: day(), provenance: P });
      } else if (k === 5) {
        batch.push({ type: 'evidence', a: user(), b: `github+user:${pick(100)}`, kind: 'profile-link', confidence: 0.5, provenance: P });
      } else {
        batch.push({ type: 'list', externalId: `twitter+list:${pick(5)}`, name: 'list', owner: 'twitter+user:1', members: [user(), user()], provenance: P });
      }
    }
    batches.push(batch);
  }
  return batches;
}

/** Everything that must be identical, without row ids or persona uuids. */
async function dump(store: PostgresStore): Promise<Record<string, unknown[]>> {
  const c = await store.pool.connect();
  try {
    const q = async (sql: string) => (await c.query(sql)).rows;
    return {
      accounts: await q(`select external_id, profile, first_seen, last_seen, (select count(*) from accounts b where b.persona = a.persona)::int as persona_size from accounts a order by external_id`),
      personas: await q('select count(*)::int as n, count(*) filter (where not exists (select 1 from accounts a where a.persona = p.id))::int as empty from personas p'),
      names: await q(`select a.external_id, n.name, n.kind, n.fold, n.first_seen, n.last_seen from names n join accounts a on a.id = n.account order by 1, 2, 3`),
      posts: await q(`select p.external_id, a.external_id as poster, p.text, p.posted_at, p.tombstone from posts p left join accounts a on a.id = p.poster order by 1`),
      refs: await q(`select f.external_id as f, t.external_id as t, r.rel from post_relationships r join posts f on f.id = r.from_post join posts t on t.id = r.to_post order by 1, 2, 3`),
      dist: await q(`select p.external_id, d.rel, d.target, d.recipient is not null as r, d.list is not null as l from post_distribution d join posts p on p.id = d.post order by 1, 2, 3`),
      links: await q(`select p.external_id, l.url from links l join posts p on p.id = l.post order by 1, 2`),
      rels: await q(`select f.external_id as f, t.external_id as t, r.kind, r.first_seen, r.last_seen from account_relationships r join accounts f on f.id = r.from_account join accounts t on t.id = r.to_account order by 1, 2, 3`),
      inter: await q(`select a.external_id as a, p.external_id as p, i.kind, i.at from post_interactions i join accounts a on a.id = i.account join posts p on p.id = i.post order by 1, 2, 3`),
      evidence: await q(`select x.external_id as a, y.external_id as b, e.kind, e.proof from evidence e join accounts x on x.id = e.account_a join accounts y on y.id = e.account_b order by 1, 2, 3, 4`),
      lists: await q(`select l.external_id, l.name, o.external_id as owner from lists l left join accounts o on o.id = l.owner order by 1`),
      members: await q(`select l.external_id as l, a.external_id as a from list_membership m join lists l on l.id = m.list join accounts a on a.id = m.account order by 1, 2`),
    };
  } finally {
    c.release();
  }
}

/** Batches of identities (address-book style: accounts, one identity, a note) over shared accounts. */
function identityBatches(seed: number, count: number, size: number): Observation[][] {
  const r = rng(seed);
  const pick = (n: number) => Math.floor(r() * n);
  const P = { source: 'concurrency-test' };
  const out: Observation[][] = [];
  for (let b = 0; b < count; b++) {
    const batch: Observation[] = [];
    for (let i = 0; i < size; i++) {
      const group = Array.from({ length: 2 + pick(2) }, () => `email+addr:p${pick(120)}@example.org`);
      for (const a of group) batch.push({ type: 'account', externalId: a, names: [{ name: a.slice(11), kind: 'email' }], seenAt: '2024-01-01T00:00:00Z', provenance: P });
      batch.push({ type: 'identity', accounts: group, provenance: P });
      batch.push({ type: 'note', account: group[0]!, text: 'card', key: `card:${group.join(',')}`, provenance: P });
    }
    out.push(batch);
  }
  return out;
}

/** Which accounts share a persona: a partition of external ids, independent of persona uuids. */
async function partition(store: PostgresStore): Promise<string[][]> {
  const r = await store.pool.query<{ ids: string[] }>('select array_agg(external_id order by external_id) as ids from accounts group by persona');
  return r.rows.map((x) => x.ids).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

describe.runIf(await postgresAvailable())('PostgresStore: two hosts applying overlapping batches at once', () => {
  let reference: TestStore;
  let hostA: PostgresStore | undefined;
  let hostB: PostgresStore | undefined;
  const schema = randomSchema();
  beforeAll(async () => {
    reference = await freshPostgresStore();
    hostA = await openPostgresStore({ url: PG_URL, schema, applicationName: 'skrode-test-host-a' });
    hostB = await openPostgresStore({ url: PG_URL, schema, applicationName: 'skrode-test-host-b' });
  });
  afterAll(async () => {
    await reference?.cleanup();
    await hostA?.close();
    await hostB?.close();
    await dropSchema(schema);
  });

  it('leaves exactly one of everything, identical to a sequential apply', async () => {
    const shared = makeBatches(7, 12, 150);
    const onlyA = makeBatches(8, 3, 150);
    const onlyB = makeBatches(9, 3, 150);
    // Host A goes forwards, host B backwards through the shared batches, each with extras,
    // several batches in flight per host.
    const runA = [...shared, ...onlyA];
    const runB = [...onlyB, ...shared].reverse();
    const drive = async (store: PostgresStore, batches: Observation[][], lanes: number) => {
      let next = 0;
      await Promise.all(
        Array.from({ length: lanes }, async () => {
          while (next < batches.length) await store.apply(batches[next++]!);
        }),
      );
    };
    await Promise.all([drive(hostA!, runA, 3), drive(hostB!, runB, 3)]);
    // Sorted lock order should make deadlocks rare; any that happen are retried, never surfaced.
    process.stderr.write(
      `concurrent apply: ${hostA!.retried + hostB!.retried} transaction(s) retried, ${hostA!.postRaces + hostB!.postRaces} post race(s) re-planned\n`,
    );

    for (const b of [...shared, ...onlyA, ...onlyB]) await reference.store.apply(b);
    const got = await dump(hostA!);
    const want = await dump(reference.store);
    expect(got.personas).toEqual([{ n: want.accounts!.length, empty: 0 }]);
    for (const k of Object.keys(want)) expect({ table: k, rows: got[k] }).toEqual({ table: k, rows: want[k] });
    expect(await hostB!.counts()).toEqual(await reference.store.counts());
  }, 120_000);

  it('merges identities from both hosts into the same people as a sequential apply would', async () => {
    // Which persona survives a merge depends on the order, but who is with whom does not.
    const a = identityBatches(21, 8, 25);
    const b = identityBatches(22, 8, 25);
    const shared = identityBatches(23, 4, 25);
    await Promise.all([
      (async () => {
        for (const x of [...shared, ...a]) await hostA!.apply(x);
      })(),
      (async () => {
        for (const x of [...b, ...shared].reverse()) await hostB!.apply(x);
      })(),
    ]);
    const ref = await freshPostgresStore();
    try {
      for (const x of [...shared, ...a, ...b]) await ref.store.apply(x);
      const got = (await partition(hostA!)).filter((g) => g[0]!.startsWith('email+'));
      expect(got).toEqual(await partition(ref.store));
      const empty = await hostA!.pool.query('select count(*)::int as n from personas p where not exists (select 1 from accounts a where a.persona = p.id)');
      expect(empty.rows).toEqual([{ n: 0 }]);
      // Every note is on the persona of its card's accounts, and every merge is logged once.
      const notes = await hostA!.pool.query<{ n: number }>(
        "select count(*)::int as n from notes n where not exists (select 1 from accounts a where a.persona = n.persona and n.source_key like 'card:%' || a.external_id || '%')",
      );
      expect(notes.rows).toEqual([{ n: 0 }]);
      const c = await hostA!.counts();
      const emailAccounts = got.flat().length;
      expect(c.merges).toBe(emailAccounts - got.length);
    } finally {
      await ref.cleanup();
    }
  }, 120_000);
});
