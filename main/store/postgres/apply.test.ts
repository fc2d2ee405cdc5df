// Focused tests of PostgresStore.apply against a real PostgreSQL, one fresh schema per test file.
// The shared contract suite (main/store/contract.ts) covers the port; these look at rows.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../model/observations.js';
import { postgresAvailable } from '../../../test/services.js';
import { freshPostgresStore, type TestStore } from './testing.js';

const P = { source: 'test' };
const acct = (externalId: string, names: [string, 'handle' | 'display' | 'email'][] = [], seenAt?: string, profile?: Record<string, unknown>): Observation => ({
  type: 'account',
  externalId,
  names: names.map(([name, kind]) => ({ name, kind })),
  ...(seenAt ? { seenAt } : {}),
  ...(profile ? { profile } : {}),
  provenance: P,
});

describe.runIf(await postgresAvailable())('PostgresStore.apply (rows)', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await freshPostgresStore();
  });
  afterAll(async () => {
    await t?.cleanup();
  });
  const q = async <R extends Record<string, unknown>>(sql: string, params: unknown[] = []) => {
    const c = await t.store.pool.connect();
    try {
      return (await c.query<R>(sql, params)).rows;
    } finally {
      c.release();
    }
  };

  it('creates an account in a persona of its own, widens seen times, keeps name history, merges profile', async () => {
    const r1 = await t.store.apply([acct('twitter+user:1', [['@ada', 'handle'], ['Ada', 'display']], '2020-01-02T00:00:00Z', { bio: 'x', loc: 'L' })]);
    expect(r1).toMatchObject({ accounts: 1, names: 2 });
    const r2 = await t.store.apply([
      acct('twitter+user:1', [['@ada2', 'handle'], ['Ada', 'display']], '2021-01-01T00:00:00Z', { bio: 'y' }),
      acct('twitter+user:1', [['Ada', 'display']], '2019-06-01T00:00:00Z'),
    ]);
    expect(r2).toMatchObject({ accounts: 0, names: 1 });
    const [a] = await q<{ first_seen: Date; last_seen: Date; profile: unknown; persona: string }>(
      "select first_seen, last_seen, profile, persona from accounts where external_id = 'twitter+user:1'",
    );
    expect(a!.first_seen.toISOString()).toBe('2019-06-01T00:00:00.000Z');
    expect(a!.last_seen.toISOString()).toBe('2021-01-01T00:00:00.000Z');
    expect(a!.profile).toEqual({ bio: 'y', loc: 'L' });
    const names = await q<{ name: string; fold: string; first_seen: Date; last_seen: Date }>(
      "select n.name, n.fold, n.first_seen, n.last_seen from names n join accounts a on a.id = n.account where a.external_id = 'twitter+user:1' order by n.name",
    );
    expect(names.map((n) => n.name)).toEqual(['@ada', '@ada2', 'Ada']);
    const ada = names.find((n) => n.name === 'Ada')!;
    expect([ada.first_seen.toISOString(), ada.last_seen.toISOString()]).toEqual(['2019-06-01T00:00:00.000Z', '2021-01-01T00:00:00.000Z']);
    // Re-applying changes nothing and reports zeros.
    const again = await t.store.apply([acct('twitter+user:1', [['@ada2', 'handle']], '2020-05-05T00:00:00Z')]);
    expect(again).toMatchObject({ accounts: 0, names: 0 });
    expect((await q<{ n: string }>('select count(*) as n from personas'))[0]!.n).toBe('1');
  });

  it('folds names (case, accents) and keeps NUL-bearing text storable', async () => {
    await t.store.apply([acct('mastodon+user:@zoe@ex.social', [['Zoë  ÅNGSTRÖM', 'display'], ['bad\u0000name', 'display']])]);
    const rows = await q<{ name: string; fold: string }>(
      "select n.name, n.fold from names n join accounts a on a.id = n.account where a.external_id = 'mastodon+user:@zoe@ex.social' order by n.name collate \"C\"",
    );
    expect(rows).toEqual([
      { name: 'Zoë  ÅNGSTRÖM', fold: 'zoe angstrom' },
      { name: 'bad\uFFFDname', fold: 'bad\uFFFDname' },
    ]);
  });

  it('stores what jsonb and timestamptz would refuse: NUL and lone surrogates in raw JSON, year 0', async () => {
    const r = await t.store.apply([
      { type: 'post', externalId: 'twitter+tweet:h1', poster: 'twitter+user:h', text: 'lone \ud800 surrogate', raw: { a: 'nul\u0000', b: '\udc00', 'k\u0000': 1, ok: '😀', lit: '\\u0000' }, provenance: P },
      { type: 'account', externalId: 'twitter+user:h', seenAt: '0000-01-01T00:00:00Z', profile: { bad: '\ud83d' }, provenance: P },
    ]);
    expect(r).toMatchObject({ posts: 1, accounts: 1 });
    const [row] = await q<{ text: string; raw: unknown }>("select text, raw from posts where external_id = 'twitter+tweet:h1'");
    expect(row).toEqual({ text: 'lone \ufffd surrogate', raw: { a: 'nul\ufffd', b: '\ufffd', 'k\ufffd': 1, ok: '😀', lit: '\\u0000' } });
    const p = await t.store.person('twitter+user:h');
    const acc = p?.kind === 'persona' ? p.persona.accounts[0] : undefined;
    expect(acc).toMatchObject({ firstSeen: '0000-01-01T00:00:00.000Z', lastSeen: '0000-01-01T00:00:00.000Z', profile: { bad: '\ufffd' } });
  });

  it('creates unknown services on the fly', async () => {
    await t.store.apply([acct('newsvc+user:7', [['seven', 'handle']])]);
    expect(await q('select id from services where id = $1', ['newsvc'])).toHaveLength(1);
  });

  it('posts: stubs, fill, edit, refs, distribution, links, tombstone', async () => {
    const post = (externalId: string, extra: Partial<Extract<Observation, { type: 'post' }>> = {}): Observation => ({
      type: 'post',
      externalId,
      provenance: P,
      ...extra,
    });
    const r1 = await t.store.apply([
      post('twitter+tweet:10', {
        poster: 'twitter+user:10',
        text: 'hello',
        when: '2022-01-01T10:00:00Z',
        refs: [{ rel: 'reply-to', post: 'twitter+tweet:9' }],
        distribution: [{ rel: 'broadcast' }, { rel: 'to', target: 'twitter+user:11' }, { rel: 'list', target: 'twitter+list:1' }],
        links: ['https://example.org/a'],
        raw: { id: 10 },
      }),
    ]);
    expect(r1).toMatchObject({ posts: 1, stubs: 1, edges: 1, accounts: 2 });
    const stub = await q<{ poster: string | null; text: string | null }>("select poster, text from posts where external_id = 'twitter+tweet:9'");
    expect(stub).toEqual([{ poster: null, text: null }]);
    expect(await q("select rel, target from post_distribution order by rel")).toEqual([
      { rel: 'broadcast', target: '' },
      { rel: 'list', target: 'twitter+list:1' },
      { rel: 'to', target: 'twitter+user:11' },
    ]);
    // Fill the stub: its refs are then recorded too.
    const r2 = await t.store.apply([
      post('twitter+tweet:9', { poster: 'twitter+user:11', text: 'parent', refs: [{ rel: 'quotes', post: 'twitter+tweet:8' }], links: ['https://e.org/p'] }),
    ]);
    expect(r2).toMatchObject({ posts: 1, stubs: 1, edges: 1 });
    expect(await q<{ text: string }>("select text from posts where external_id = 'twitter+tweet:9'")).toEqual([{ text: 'parent' }]);
    // An edit changes text and raw; when and url are only ever filled in.
    await t.store.apply([post('twitter+tweet:10', { poster: 'twitter+user:10', text: 'hello (edited)', url: 'https://first', when: '2030-01-01T00:00:00Z', raw: { id: 10, v: 2 } })]);
    await t.store.apply([post('twitter+tweet:10', { poster: 'twitter+user:10', url: 'https://second' })]);
    const edited = await q<{ posted_at: Date }>("select text, url, raw, posted_at from posts where external_id = 'twitter+tweet:10'");
    expect(edited).toMatchObject([{ text: 'hello (edited)', url: 'https://first', raw: { id: 10, v: 2 } }]);
    expect(edited[0]!.posted_at.toISOString()).toBe('2022-01-01T10:00:00.000Z');
    // The generated tsvector follows the text.
    expect(await q("select external_id from posts where search @@ to_tsquery('simple', 'edited')")).toEqual([{ external_id: 'twitter+tweet:10' }]);
    // Tombstone: blank, edges from it and distribution gone, row kept; never resurrected.
    const r3 = await t.store.apply([{ type: 'tombstone', post: 'twitter+tweet:10', provenance: P }]);
    expect(r3.tombstones).toBe(1);
    const dead = await q<{ id: string }>("select id, tombstone, text, raw from posts where external_id = 'twitter+tweet:10'");
    expect(dead).toMatchObject([{ tombstone: true, text: null, raw: null }]);
    expect(await q('select * from post_relationships where from_post = $1', [dead[0]!.id])).toEqual([]);
    expect(await q('select * from post_distribution where post = $1', [dead[0]!.id])).toEqual([]);
    const r4 = await t.store.apply([
      post('twitter+tweet:10', { poster: 'twitter+user:10', text: 'back?', refs: [{ rel: 'reply-to', post: 'twitter+tweet:9' }], distribution: [{ rel: 'broadcast' }] }),
    ]);
    expect(r4).toMatchObject({ posts: 0, edges: 0, tombstones: 0 });
    expect(await q("select text, tombstone from posts where external_id = 'twitter+tweet:10'")).toEqual([{ text: null, tombstone: true }]);
    expect(await q('select * from post_distribution where post = $1', [dead[0]!.id])).toEqual([]);
    expect(await q("select external_id from posts where search @@ to_tsquery('simple', 'edited')")).toEqual([]);
  });

  it('orders within one batch: a post then its tombstone, and a tombstone of an unknown post', async () => {
    const r = await t.store.apply([
      { type: 'post', externalId: 'twitter+tweet:20', poster: 'twitter+user:10', text: 'soon gone', distribution: [{ rel: 'broadcast' }], provenance: P },
      { type: 'tombstone', post: 'twitter+tweet:20', provenance: P },
      { type: 'tombstone', post: 'twitter+tweet:21', provenance: P },
    ]);
    expect(r).toMatchObject({ posts: 1, stubs: 1, tombstones: 2 });
    expect(await q("select external_id, text, tombstone, poster is null as stub from posts where external_id in ('twitter+tweet:20', 'twitter+tweet:21') order by 1")).toEqual([
      { external_id: 'twitter+tweet:20', text: null, tombstone: true, stub: false },
      { external_id: 'twitter+tweet:21', text: null, tombstone: true, stub: true },
    ]);
    expect(await q("select d.* from post_distribution d join posts p on p.id = d.post where p.external_id = 'twitter+tweet:20'")).toEqual([]);
  });

  it('relationships, interactions, evidence (ordered), lists, notes by key', async () => {
    const batch: Observation[] = [
      { type: 'relationship', from: 'twitter+user:30', to: 'twitter+user:31', kind: 'follows', when: '2020-01-01T00:00:00Z', provenance: P },
      { type: 'relationship', from: 'twitter+user:30', to: 'twitter+user:31', kind: 'follows', when: '2021-01-01T00:00:00Z', provenance: P },
      { type: 'interaction', account: 'twitter+user:30', post: 'twitter+tweet:300', kind: 'like', provenance: P },
      { type: 'evidence', a: 'twitter+user:31', b: 'github+user:31', kind: 'profile-link', confidence: 0.5, provenance: P },
      { type: 'evidence', a: 'github+user:31', b: 'twitter+user:31', kind: 'profile-link', confidence: 0.5, provenance: P },
      { type: 'list', externalId: 'twitter+list:30', name: 'friends', owner: 'twitter+user:30', members: ['twitter+user:31'], provenance: P },
      { type: 'note', account: 'twitter+user:31', text: 'met at FOSDEM', key: 'bbdb:1', provenance: P },
    ];
    const r1 = await t.store.apply(batch);
    expect(r1).toMatchObject({ edges: 1, interactions: 1, evidence: 1, notes: 1, stubs: 1 });
    const r2 = await t.store.apply(batch);
    expect(r2).toMatchObject({ accounts: 0, edges: 0, interactions: 0, evidence: 0, notes: 0, stubs: 0, posts: 0 });
    const rel = await q<{ first_seen: Date; last_seen: Date }>('select first_seen, last_seen from account_relationships');
    expect(rel.map((x) => [x.first_seen.toISOString(), x.last_seen.toISOString()])).toEqual([['2020-01-01T00:00:00.000Z', '2021-01-01T00:00:00.000Z']]);
    const ev = await q<{ a: string; b: string }>('select aa.external_id as a, ab.external_id as b from evidence e join accounts aa on aa.id = e.account_a join accounts ab on ab.id = e.account_b');
    expect(ev).toEqual([{ a: 'github+user:31', b: 'twitter+user:31' }]);
    expect(await q("select name from lists where external_id = 'twitter+list:30'")).toEqual([{ name: 'friends' }]);
    expect(await q('select count(*)::int as n from list_membership')).toEqual([{ n: 1 }]);
    await t.store.apply([{ type: 'note', account: 'twitter+user:31', text: 'met at FOSDEM 2020', key: 'bbdb:1', provenance: P }]);
    expect(await q('select text from notes')).toEqual([{ text: 'met at FOSDEM 2020' }]);
  });

  it('rejects an invalid batch whole, naming the observation', async () => {
    const before = await t.store.counts();
    await expect(
      t.store.apply([acct('twitter+user:900', [['ok', 'handle']]), { type: 'account', externalId: 'not an id', provenance: { source: 'x', record: 'line 2' } } as Observation]),
    ).rejects.toThrow(/observation 1.*line 2/);
    expect(await t.store.counts()).toEqual(before);
  });
});
