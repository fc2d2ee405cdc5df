// The Store contract: one vitest suite that every adapter runs (SQLite in
// main/store/sqlite/sqlite-store.test.ts, PostgreSQL in main/store/postgres/postgres-store.test.ts).
// It checks the rules of docs/observations.md through the Store port only, so it assumes nothing
// about the database behind it. Adapter-specific checks (FTS, threads) live beside the adapter.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApplyResult, Observation } from '../model/observations.js';
import { emptyApplyResult } from '../model/observations.js';
import type { PersonDto, PersonaDto } from '../../shared/people.js';
import { StoreError, type Store, type StoreCounts } from './port.js';

export interface StoreUnderTest {
  store: Store;
  cleanup(): Promise<void>;
}

const prov = { source: 'contract', file: 'contract.jsonl' };

function account(externalId: string, names: [string, string][] = [], seenAt?: string, profile?: Record<string, unknown>): Observation {
  return {
    type: 'account',
    externalId,
    names: names.map(([name, kind]) => ({ name, kind: kind as 'handle' })),
    ...(seenAt ? { seenAt } : {}),
    ...(profile ? { profile } : {}),
    provenance: prov,
  };
}

function result(partial: Partial<ApplyResult>): ApplyResult {
  return { ...emptyApplyResult(), ...partial };
}

/** A batch touching every observation type. */
function richBatch(): Observation[] {
  return [
    account('twitter+user:1', [['ada', 'handle'], ['Ada Lovelace', 'display']], '2020-01-01T00:00:00Z', { bio: 'maths' }),
    account('mastodon+user:@ada@example.social', [['@ada@example.social', 'handle']], '2020-02-01T00:00:00Z'),
    {
      type: 'post',
      externalId: 'twitter+tweet:10',
      poster: 'twitter+user:1',
      text: 'Notes on the analytical engine',
      when: '2020-01-02T10:00:00Z',
      url: 'https://x.com/ada/status/10',
      refs: [{ rel: 'reply-to', post: 'twitter+tweet:9' }],
      distribution: [{ rel: 'broadcast' }, { rel: 'to', target: 'twitter+user:2' }, { rel: 'list', target: 'twitter+list:7' }],
      links: ['https://example.org/engine'],
      raw: { id: '10' },
      provenance: prov,
    },
    { type: 'relationship', from: 'twitter+user:1', to: 'twitter+user:2', kind: 'follows', when: '2020-01-03T00:00:00Z', provenance: prov },
    { type: 'interaction', account: 'twitter+user:2', post: 'twitter+tweet:10', kind: 'like', provenance: prov },
    { type: 'interaction', account: 'twitter+user:2', post: 'twitter+tweet:11', kind: 'bookmark', provenance: prov },
    { type: 'evidence', a: 'twitter+user:1', b: 'mastodon+user:@ada@example.social', kind: 'rel-me', proof: 'https://example.social/@ada', confidence: 0.9, provenance: prov },
    { type: 'list', externalId: 'twitter+list:7', name: 'mathematicians', owner: 'twitter+user:1', members: ['twitter+user:1', 'twitter+user:3'], provenance: prov },
    { type: 'note', account: 'twitter+user:1', text: 'Met at the Babbage party', key: 'bbdb:ada', provenance: prov },
    { type: 'tombstone', post: 'twitter+tweet:12', provenance: prov },
  ];
}

function personaOfDto(p: PersonDto | null): PersonaDto {
  if (!p) throw new Error('no person');
  if (p.kind === 'persona') return p.persona;
  if (p.human.personas.length !== 1) throw new Error(`expected one persona, got ${p.human.personas.length}`);
  return p.human.personas[0]!;
}

function externalIds(p: PersonDto | null): string[] {
  if (!p) return [];
  const personas = p.kind === 'human' ? p.human.personas : [p.persona];
  return personas.flatMap((x) => x.accounts.map((a) => a.externalId)).sort();
}

async function expectStoreError(p: Promise<unknown>, kind: StoreError['kind'], message?: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e, 'expected the call to fail').toBeInstanceOf(Error);
  expect((e as Error).name).toBe('StoreError');
  expect((e as StoreError).kind).toBe(kind);
  if (message) expect((e as Error).message).toMatch(message);
}

export function describeStoreContract(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    let sut: StoreUnderTest;
    let store: Store;
    const extra: StoreUnderTest[] = [];
    beforeEach(async () => {
      sut = await make();
      store = sut.store;
    });
    afterEach(async () => {
      await sut.cleanup();
      for (const s of extra.splice(0)) await s.cleanup();
    });

    async function persona(ext: string): Promise<string> {
      const p = await store.personaOf(ext);
      if (!p) throw new Error(`no persona for ${ext}`);
      return p;
    }

    describe('apply', () => {
      it('applies nothing for an empty batch', async () => {
        expect(await store.apply([])).toEqual(emptyApplyResult());
        expect(Object.values(await store.counts()).every((n) => n === 0)).toBe(true);
      });

      it('counts what a batch created, and a re-apply creates nothing', async () => {
        const first = await store.apply(richBatch());
        // accounts: user:1, mastodon, user:2 (recipient), user:3 (list member); stubs: tweet:9, :11, :12
        expect(first).toEqual(result({ accounts: 4, names: 3, posts: 1, stubs: 3, edges: 2, interactions: 2, tombstones: 1, evidence: 1, notes: 1 }));
        const counts = await store.counts();
        expect(counts).toEqual({
          humans: 0, personas: 4, accounts: 4, names: 3, posts: 4, stubs: 3, tombstones: 1,
          accountRelationships: 1, postRelationships: 1, distribution: 3, interactions: 2, links: 1,
          evidence: 1, lists: 1, notes: 1, merges: 0,
        } satisfies StoreCounts);
        expect(await store.apply(richBatch())).toEqual(emptyApplyResult());
        expect(await store.counts()).toEqual(counts);
      });

      it('gives the same result for overlapping batches in either order', async () => {
        const all = richBatch();
        const a = all.slice(0, 6);
        const b = all.slice(3);
        await store.apply(a);
        await store.apply(b);
        const other = await make();
        extra.push(other);
        await other.store.apply(b);
        await other.store.apply(a);
        await other.store.apply(all);
        expect(await other.store.counts()).toEqual(await store.counts());
        const mine = personaOfDto(await store.person('twitter+user:1'));
        const theirs = personaOfDto(await other.store.person('twitter+user:1'));
        expect(theirs.accounts).toEqual(mine.accounts);
      });

      it('rejects an invalid batch whole, naming the observation, with nothing applied', async () => {
        const batch: unknown[] = [account('twitter+user:1', [['ada', 'handle']]), { type: 'relationship', from: 'twitter+user:1', to: 'not an id', kind: 'follows', provenance: { source: 'jsonl', file: 'bad.jsonl', record: 'line 2' } }];
        await expectStoreError(store.apply(batch as Observation[]), 'invalid', /observation 1 from jsonl bad\.jsonl line 2: to: not an external id/);
        expect((await store.counts()).accounts).toBe(0);
        await expectStoreError(store.apply([{ type: 'post', externalId: 'twitter+tweet:1', provenance: prov, when: '2021-02-30T00:00:00Z' }]), 'invalid', /when: no such date/);
        await expectStoreError(store.apply([{ type: 'evidence', a: 'x+y:1', b: 'x+y:2', kind: 'k', confidence: 2, provenance: prov }]), 'invalid', /confidence/);
        expect(Object.values(await store.counts()).every((n) => n === 0)).toBe(true);
      });
    });

    describe('applyBulk', () => {
      it('applies like apply, each batch whole or not at all; commitBulk makes it all visible', async () => {
        const all = richBatch();
        expect(await store.applyBulk(all.slice(0, 6))).toEqual(expect.objectContaining({ accounts: expect.any(Number) }));
        const bad: unknown[] = [account('twitter+user:77', [['gone', 'handle']]), { type: 'post', externalId: 'not an id', provenance: prov }];
        await expectStoreError(store.applyBulk(bad as Observation[]), 'invalid', /not an external id/);
        await store.applyBulk(all.slice(3));
        await store.commitBulk();
        const counts = await store.counts();
        const other = await make();
        extra.push(other);
        await other.store.apply(all);
        expect(counts).toEqual(await other.store.counts());
        expect(await store.personaOf('twitter+user:77')).toBeNull();
        // Any other write comes after the bulk batches before it, and commits them.
        await store.applyBulk([account('twitter+user:88', [['later', 'handle']])]);
        await store.apply([account('twitter+user:89', [['plain', 'handle']])]);
        expect(await store.personaOf('twitter+user:88')).not.toBeNull();
      });
    });

    describe('accounts and names', () => {
      it('widens first/last seen of names and accounts; never deletes a name', async () => {
        await store.apply([account('twitter+user:1', [['ada', 'handle'], ['Ada', 'display']], '2020-06-01T00:00:00Z')]);
        await store.apply([account('twitter+user:1', [['ada', 'handle']], '2020-01-01T00:00:00Z')]);
        await store.apply([account('twitter+user:1', [['ada', 'handle'], ['Ada King', 'display']], '2021-01-01T00:00:00Z')]);
        await store.apply([account('twitter+user:1', [['ada', 'handle']], '2020-03-01T00:00:00Z')]);
        const acc = personaOfDto(await store.person('twitter+user:1')).accounts[0]!;
        expect(acc.firstSeen).toBe('2020-01-01T00:00:00.000Z');
        expect(acc.lastSeen).toBe('2021-01-01T00:00:00.000Z');
        const byName = new Map(acc.names.map((n) => [`${n.kind}:${n.name}`, n]));
        expect([...byName.keys()].sort()).toEqual(['display:Ada', 'display:Ada King', 'handle:@ada']);
        expect(byName.get('handle:@ada')).toMatchObject({ firstSeen: '2020-01-01T00:00:00.000Z', lastSeen: '2021-01-01T00:00:00.000Z' });
        expect(byName.get('display:Ada')).toMatchObject({ firstSeen: '2020-06-01T00:00:00.000Z', lastSeen: '2020-06-01T00:00:00.000Z' });
        // most recently seen first
        expect(acc.names[0]!.lastSeen).toBe('2021-01-01T00:00:00.000Z');
        expect(acc.names.at(-1)!.name).toBe('Ada');
      });

      it('ignores empty names, keeps @ on twitter handles, merges profiles shallowly', async () => {
        const r = await store.apply([account('twitter+user:1', [['', 'display'], ['   ', 'nick'], ['ada', 'handle'], ['@ada', 'handle']], undefined, { bio: 'a', location: 'London' })]);
        expect(r.names).toBe(1);
        await store.apply([account('twitter+user:1', [], undefined, { bio: 'b', url: 'https://ada.example' })]);
        const acc = personaOfDto(await store.person('twitter+user:1')).accounts[0]!;
        expect(acc.names.map((n) => n.name)).toEqual(['@ada']);
        expect(acc.profile).toEqual({ bio: 'b', location: 'London', url: 'https://ada.example' });
        expect(acc.service).toBe('twitter');
      });

      it('puts each new account in a persona of its own', async () => {
        await store.apply([account('twitter+user:1'), account('twitter+user:2')]);
        expect(await persona('twitter+user:1')).not.toBe(await persona('twitter+user:2'));
        expect((await store.counts()).personas).toBe(2);
        expect(await store.personaOf('twitter+user:404')).toBeNull();
      });
    });

    describe('posts', () => {
      it('creates stubs for unknown references and fills them in later, refs and all', async () => {
        const r1 = await store.apply([{ type: 'post', externalId: 'twitter+tweet:2', poster: 'twitter+user:1', text: 'reply', refs: [{ rel: 'reply-to', post: 'twitter+tweet:1' }], provenance: prov }]);
        expect(r1).toMatchObject({ posts: 1, stubs: 1, accounts: 1, edges: 1 });
        expect(await store.counts()).toMatchObject({ posts: 2, stubs: 1 });
        const r2 = await store.apply([
          {
            type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:5', text: 'original', when: '2020-01-01T00:00:00Z',
            refs: [{ rel: 'quotes', post: 'twitter+tweet:0' }], distribution: [{ rel: 'cc', target: 'twitter+user:6' }], links: ['https://example.org/a'], provenance: prov,
          },
        ]);
        expect(r2).toMatchObject({ posts: 1, stubs: 1, accounts: 2, edges: 1 });
        expect(await store.counts()).toMatchObject({ posts: 3, stubs: 1, postRelationships: 2, distribution: 1, links: 1 });
      });

      it('adds refs, distribution and links not yet recorded on a later sighting', async () => {
        const base = { type: 'post' as const, externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'v1', provenance: prov };
        await store.apply([{ ...base, links: ['https://a.example'], distribution: [{ rel: 'broadcast' }] }]);
        const r = await store.apply([{ ...base, text: 'v2 (edited)', links: ['https://a.example', 'https://b.example'], distribution: [{ rel: 'broadcast' }, { rel: 'bcc', target: 'email+addr:x@y.z' }], refs: [{ rel: 'thread', post: 'twitter+tweet:0' }] }]);
        expect(r).toMatchObject({ posts: 0, stubs: 1, edges: 1, accounts: 1 });
        expect(await store.counts()).toMatchObject({ posts: 2, links: 2, distribution: 2, postRelationships: 1 });
      });

      it('tombstones blank a post, remove its edges, and are never undone', async () => {
        const post: Observation = {
          type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:1', text: 'regrettable',
          refs: [{ rel: 'reply-to', post: 'twitter+tweet:0' }], distribution: [{ rel: 'broadcast' }, { rel: 'to', target: 'twitter+user:2' }], provenance: prov,
        };
        await store.apply([post, { type: 'interaction', account: 'twitter+user:2', post: 'twitter+tweet:1', kind: 'like', provenance: prov }]);
        expect(await store.counts()).toMatchObject({ postRelationships: 1, distribution: 2 });
        expect(await store.apply([{ type: 'tombstone', post: 'twitter+tweet:1', provenance: prov }])).toMatchObject({ tombstones: 1 });
        expect(await store.counts()).toMatchObject({ posts: 2, tombstones: 1, postRelationships: 0, distribution: 0, interactions: 1 });
        // seen again (an old archive re-imported): stays deleted
        expect(await store.apply([post, { type: 'tombstone', post: 'twitter+tweet:1', provenance: prov }])).toEqual(emptyApplyResult());
        expect(await store.counts()).toMatchObject({ posts: 2, tombstones: 1, postRelationships: 0, distribution: 0 });
        // a tombstone for a post never seen leaves a tombstoned stub
        expect(await store.apply([{ type: 'tombstone', post: 'twitter+tweet:99', provenance: prov }])).toMatchObject({ stubs: 1, tombstones: 1 });
      });

      it('records distribution to accounts and lists, creating what is unknown', async () => {
        const r = await store.apply([
          {
            type: 'post', externalId: 'irc+msg:1', poster: 'irc+user:libera/ada', text: 'hi all',
            distribution: [{ rel: 'channel', target: 'irc+channel:libera/#skrode' }, { rel: 'to', target: 'irc+user:libera/bob' }], provenance: prov,
          },
        ]);
        expect(r).toMatchObject({ posts: 1, accounts: 2 });
        expect(await store.counts()).toMatchObject({ lists: 1, distribution: 2, accounts: 2 });
      });
    });

    describe('edges, interactions and evidence', () => {
      it('keeps one relationship per (from, to, kind)', async () => {
        const rel = (kind: 'follows' | 'mutes', when: string): Observation => ({ type: 'relationship', from: 'twitter+user:1', to: 'twitter+user:2', kind, when, provenance: prov });
        expect(await store.apply([rel('follows', '2020-01-01T00:00:00Z'), rel('follows', '2021-01-01T00:00:00Z'), rel('mutes', '2020-01-01T00:00:00Z')])).toMatchObject({ edges: 2, accounts: 2 });
        expect(await store.apply([rel('follows', '2019-01-01T00:00:00Z')])).toEqual(emptyApplyResult());
        expect((await store.counts()).accountRelationships).toBe(2);
      });

      it('keeps one interaction per (account, post, kind); unknown posts become stubs', async () => {
        const like: Observation = { type: 'interaction', account: 'twitter+user:1', post: 'twitter+tweet:5', kind: 'like', provenance: prov };
        expect(await store.apply([like, like, { ...like, kind: 'share' }])).toMatchObject({ interactions: 2, stubs: 1, accounts: 1 });
        expect(await store.counts()).toMatchObject({ interactions: 2, stubs: 1 });
      });

      it('stores evidence once per (a, b, kind, proof) whatever the order, and never merges', async () => {
        const ev = (a: string, b: string, proof?: string): Observation => ({ type: 'evidence', a, b, kind: 'rel-me', confidence: 1, ...(proof ? { proof } : {}), provenance: prov });
        const r = await store.apply([ev('twitter+user:1', 'github+user:ada'), ev('github+user:ada', 'twitter+user:1'), ev('github+user:ada', 'twitter+user:1', 'https://proof'), ev('twitter+user:1', 'github+user:ada', 'https://proof')]);
        expect(r).toMatchObject({ evidence: 2, accounts: 2, merges: 0 });
        expect(await persona('twitter+user:1')).not.toBe(await persona('github+user:ada'));
      });
    });

    describe('identity observations', () => {
      it('merges the personas of the accounts, the first one winning, logged and undoable', async () => {
        await store.apply([account('twitter+user:1', [['ada', 'handle']]), account('email+addr:ada@example.org', [['ada@example.org', 'email']])]);
        const winner = await persona('twitter+user:1');
        const loser = await persona('email+addr:ada@example.org');
        const r = await store.apply([{ type: 'identity', accounts: ['twitter+user:1', 'email+addr:ada@example.org', 'tel+number:+441234'], provenance: prov }]);
        expect(r).toMatchObject({ merges: 2, accounts: 1 });
        expect(await persona('email+addr:ada@example.org')).toBe(winner);
        expect(await persona('tel+number:+441234')).toBe(winner);
        const log = await store.mergeLog();
        expect(log.map((l) => [l.op, l.winner])).toEqual([['identity', winner], ['identity', winner]]);
        expect(log.some((l) => l.loser === loser)).toBe(true);
        expect(await store.apply([{ type: 'identity', accounts: ['twitter+user:1', 'email+addr:ada@example.org'], provenance: prov }])).toEqual(emptyApplyResult());
        await store.splitMerge(log.find((l) => l.loser === loser)!.id);
        expect(await persona('email+addr:ada@example.org')).toBe(loser);
        expect(await persona('tel+number:+441234')).toBe(winner);
      });

      it('links the persona to the one self human with self: true', async () => {
        await store.apply([{ type: 'identity', accounts: ['twitter+user:1', 'email+addr:me@example.org'], self: true, provenance: prov }]);
        await store.apply([{ type: 'identity', accounts: ['github+user:me'], self: true, provenance: prov }]);
        const me = await store.person('twitter+user:1');
        expect(me?.kind).toBe('human');
        if (me?.kind !== 'human') return;
        expect(me.human.isSelf).toBe(true);
        expect(me.human.personas.map((p) => p.rel)).toEqual(['owns', 'owns']);
        expect(externalIds(me)).toEqual(['email+addr:me@example.org', 'github+user:me', 'twitter+user:1']);
        expect((await store.counts()).humans).toBe(1);
        expect((await store.person('github+user:me'))?.id).toBe(me.id);
      });

      it('respects "not the same person"', async () => {
        await store.apply([account('twitter+user:1'), account('twitter+user:2')]);
        const a = await persona('twitter+user:1');
        const b = await persona('twitter+user:2');
        await store.markNotSame(b, a);
        expect(await store.apply([{ type: 'identity', accounts: ['twitter+user:1', 'twitter+user:2'], provenance: prov }])).toMatchObject({ merges: 0 });
        expect(await persona('twitter+user:2')).toBe(b);
        await expectStoreError(store.mergePersonas(a, b), 'conflict', /not the same person/);
        await expectStoreError(store.markNotSame(a, a), 'invalid');
        await expectStoreError(store.markNotSame(a, '00000000-0000-4000-8000-000000000000'), 'not-found');
      });
    });

    describe('lists and notes', () => {
      it('creates and renames lists; membership only grows', async () => {
        const list = (name: string, members: string[]): Observation => ({ type: 'list', externalId: 'twitter+list:1', name, owner: 'twitter+user:1', members, provenance: prov });
        expect(await store.apply([list('friends', ['twitter+user:2', 'twitter+user:3'])])).toMatchObject({ accounts: 3 });
        expect(await store.apply([list('close friends', ['twitter+user:2'])])).toEqual(emptyApplyResult());
        expect((await store.counts()).lists).toBe(1);
      });

      it('replaces a note by key instead of adding one', async () => {
        const note = (text: string): Observation => ({ type: 'note', account: 'twitter+user:1', text, key: 'vcard:1:note', provenance: prov });
        expect(await store.apply([note('first')])).toMatchObject({ notes: 1, accounts: 1 });
        expect(await store.apply([note('second')])).toEqual(emptyApplyResult());
        expect((await store.counts()).notes).toBe(1);
        expect((await store.person('twitter+user:1'))?.notes.map((n) => n.text)).toEqual(['second']);
      });

      it('sets, updates and deletes the user own notes', async () => {
        await store.apply([account('twitter+user:1')]);
        const p = await persona('twitter+user:1');
        const id = await store.setNote({ persona: p }, 'likes tea');
        expect(await store.setNote({ persona: p }, 'likes coffee', id)).toBe(id);
        expect((await store.person(p))?.notes).toEqual([expect.objectContaining({ id, text: 'likes coffee' })]);
        await store.deleteNote(id);
        expect((await store.person(p))?.notes).toEqual([]);
        await expectStoreError(store.deleteNote(id), 'not-found');
        await expectStoreError(store.setNote({}, 'nowhere'), 'invalid');
        await expectStoreError(store.setNote({ persona: '00000000-0000-4000-8000-000000000000' }, 'x'), 'not-found');
      });
    });

    describe('identity operations', () => {
      async function twoPeople() {
        await store.apply([
          account('twitter+user:1', [['ada', 'handle'], ['Ada', 'display']], '2020-01-01T00:00:00Z'),
          account('github+user:ada', [['ada', 'handle']], '2020-05-01T00:00:00Z'),
          account('email+addr:ada@example.org', [['ada@example.org', 'email']], '2019-01-01T00:00:00Z'),
          { type: 'identity', accounts: ['email+addr:ada@example.org', 'github+user:ada'], provenance: prov },
          { type: 'note', account: 'github+user:ada', text: 'github note', key: 'k1', provenance: prov },
        ]);
        const a = await persona('twitter+user:1');
        const b = await persona('github+user:ada');
        const link = await store.linkPersona(null, b, 'owns');
        await store.setNote({ human: link.human }, 'a human note');
        await store.addPersonaName(b, 'Countess of Lovelace');
        return { a, b, human: link.human };
      }

      it('merge then split restores exactly the previous state', async () => {
        const { a, b, human } = await twoPeople();
        const beforeA = await store.person(a);
        const beforeHuman = await store.person(human);
        const countsBefore = await store.counts();
        const m = await store.mergePersonas(a, b, 'same person');
        expect(m).toMatchObject({ winner: a, loser: b, movedAccounts: 3 });
        const merged = await store.person('twitter+user:1');
        expect(merged?.kind).toBe('human');
        expect(merged?.id).toBe(human);
        expect(externalIds(merged)).toEqual(['email+addr:ada@example.org', 'github+user:ada', `namesvc+user:${b}`, 'twitter+user:1']);
        expect(await store.personaOf('github+user:ada')).toBe(a);
        expect((await store.mergeLog()).at(-1)).toMatchObject({ id: m.id, op: 'merge', reason: 'same person', undoneAt: null });
        await store.splitMerge(m.id);
        expect(await store.person(a)).toEqual(beforeA);
        expect(await store.person(human)).toEqual(beforeHuman);
        expect(await store.counts()).toEqual({ ...countsBefore });
        expect((await store.mergeLog()).find((l) => l.id === m.id)?.undoneAt).not.toBeNull();
        await expectStoreError(store.splitMerge(m.id), 'conflict');
      });

      it('undoes a merge whose winner was merged away later, from its current persona', async () => {
        const { a, b } = await twoPeople();
        await store.apply([account('keybase+user:ada')]);
        const c = await persona('keybase+user:ada');
        const beforeB = await store.person(b);
        const m1 = await store.mergePersonas(a, b);
        await store.mergePersonas(c, a);
        expect(await store.personaOf('github+user:ada')).toBe(c);
        await store.splitMerge(m1.id);
        expect(await store.personaOf('github+user:ada')).toBe(b);
        expect(await store.personaOf('twitter+user:1')).toBe(c);
        expect(await store.person(b)).toEqual(beforeB);
      });

      it('refuses merges and splits that make no sense', async () => {
        const { a } = await twoPeople();
        await expectStoreError(store.mergePersonas(a, a), 'invalid');
        await expectStoreError(store.mergePersonas(a, '00000000-0000-4000-8000-000000000000'), 'not-found');
        await expectStoreError(store.splitMerge('00000000-0000-4000-8000-000000000000'), 'not-found');
      });

      it('links personas to humans with each relation', async () => {
        await store.apply([account('twitter+user:1'), account('twitter+user:2'), account('twitter+user:3')]);
        const [p1, p2, p3] = [await persona('twitter+user:1'), await persona('twitter+user:2'), await persona('twitter+user:3')];
        const l1 = await store.linkPersona(null, p1, 'owns');
        const l2 = await store.linkPersona(l1.human, p2, 'participates');
        const l3 = await store.linkPersona(l1.human, p3, 'suspected');
        expect([l2.human, l3.human]).toEqual([l1.human, l1.human]);
        const h = await store.person(l1.human);
        if (h?.kind !== 'human') throw new Error('expected a human');
        expect(h.human.isSelf).toBe(false);
        expect(new Map(h.human.personas.map((p) => [p.id, p.rel]))).toEqual(new Map([[p1, 'owns'], [p2, 'participates'], [p3, 'suspected']]));
        // a persona someone owns shows as that human; a suspected one shows alone
        expect((await store.person(p1))?.id).toBe(l1.human);
        expect((await store.person('twitter+user:3'))?.kind).toBe('persona');
        await store.linkPersona(l1.human, p3, 'owns');
        expect((await store.person('twitter+user:3'))?.id).toBe(l1.human);
        await store.unlinkPersona(l1.human, p3);
        expect((await store.person(p3))?.kind).toBe('persona');
        await expectStoreError(store.unlinkPersona(l1.human, p3), 'not-found');
        await expectStoreError(store.linkPersona('00000000-0000-4000-8000-000000000000', p3, 'owns'), 'not-found');
        expect((await store.counts()).humans).toBe(1);
      });

      it("lists a human's personas owned first, then participated, then suspected", async () => {
        await store.apply([account('twitter+user:1'), account('twitter+user:2'), account('twitter+user:3')]);
        const [p1, p2, p3] = [await persona('twitter+user:1'), await persona('twitter+user:2'), await persona('twitter+user:3')];
        // linked in the opposite order to the one shown
        const l = await store.linkPersona(null, p3, 'suspected');
        await store.linkPersona(l.human, p2, 'participates');
        await store.linkPersona(l.human, p1, 'owns');
        const h = await store.person(l.human);
        if (h?.kind !== 'human') throw new Error('expected a human');
        expect(h.human.personas.map((x) => x.rel)).toEqual(['owns', 'participates', 'suspected']);
      });

      it('finds persona names through person()', async () => {
        await store.apply([account('twitter+user:1', [['ada', 'handle']], '2020-01-01T00:00:00Z')]);
        const p = await persona('twitter+user:1');
        await store.addPersonaName(p, 'Augusta Ada King');
        await store.addPersonaName(p, 'Augusta Ada King');
        const dto = personaOfDto(await store.person(p));
        expect(dto.names).toContain('Augusta Ada King');
        expect(dto.names).toContain('@ada');
        expect(dto.accounts.map((x) => x.externalId).sort()).toEqual([`namesvc+user:${p}`, 'twitter+user:1']);
        expect((await store.person(`namesvc+user:${p}`))?.id).toBe(p);
        await expectStoreError(store.addPersonaName(p, '  '), 'invalid');
        await expectStoreError(store.addPersonaName('00000000-0000-4000-8000-000000000000', 'x'), 'not-found');
      });

      it('answers null for someone unknown', async () => {
        expect(await store.person('00000000-0000-4000-8000-000000000000')).toBeNull();
        expect(await store.person('twitter+user:404')).toBeNull();
        expect(await store.person('')).toBeNull();
      });
    });

    it('keeps ingest cursors per (source, key)', async () => {
      expect(await store.getCursor('twitter', 'home')).toBeNull();
      await store.setCursor('twitter', 'home', '100');
      await store.setCursor('twitter', 'mentions', '7');
      await store.setCursor('twitter', 'home', '150');
      expect(await store.getCursor('twitter', 'home')).toBe('150');
      expect(await store.getCursor('twitter', 'mentions')).toBe('7');
    });

    describe('suggestions', () => {
      const sight = (address: string, message: string, name?: string, at?: string) => ({ address, message, source: 'mbox /m.mbox', ...(name ? { name } : {}), ...(at ? { at } : {}) });

      it('records sightings once per (address, message), with names and the seen range', async () => {
        await store.recordSuggestions([
          sight('ada@example.org', 'email+msg:1', 'Ada', '2020-01-02T00:00:00.000Z'),
          sight('ada@example.org', 'email+msg:2', 'Ada Lovelace', '2020-01-01T00:00:00.000Z'),
          sight('bob@example.org', 'email+msg:2'),
        ]);
        // The same messages again (a re-import) count nothing twice.
        await store.recordSuggestions([sight('ada@example.org', 'email+msg:1', 'Ada', '2020-01-02T00:00:00.000Z'), sight('ada@example.org', 'email+msg:3', 'Ada', '2020-01-05T00:00:00.000Z')]);
        await store.recordSuggestions([]);
        const list = await store.suggestions();
        expect(list).toEqual([
          { address: 'ada@example.org', names: ['Ada', 'Ada Lovelace'], count: 3, firstSeen: '2020-01-01T00:00:00.000Z', lastSeen: '2020-01-05T00:00:00.000Z', source: 'mbox /m.mbox', state: 'pending' },
          { address: 'bob@example.org', names: [], count: 1, firstSeen: null, lastSeen: null, source: 'mbox /m.mbox', state: 'pending' },
        ]);
        expect(await store.suggestions({ limit: 1 })).toHaveLength(1);
        expect((await store.suggestions({ address: 'bob@example.org' }))[0]?.count).toBe(1);
        expect(await store.suggestions({ address: 'nobody@example.org' })).toEqual([]);
      });

      it('keeps a dismissed address dismissed and leaves it out of the pending list', async () => {
        await store.recordSuggestions([sight('spam@example.org', 'email+msg:1')]);
        await store.setSuggestionState('spam@example.org', 'dismissed');
        await store.recordSuggestions([sight('spam@example.org', 'email+msg:2')]);
        expect(await store.suggestions()).toEqual([]);
        const dismissed = await store.suggestions({ state: 'dismissed' });
        expect(dismissed.map((s) => [s.address, s.count])).toEqual([['spam@example.org', 2]]);
        await expectStoreError(store.setSuggestionState('nobody@example.org', 'dismissed'), 'not-found');
        await expectStoreError(store.setSuggestionState('spam@example.org', 'pending' as never), 'invalid');
      });

      it('stops listing a pending address once it is an account', async () => {
        await store.recordSuggestions([sight('cy@example.org', 'email+msg:1'), sight('di@example.org', 'email+msg:1')]);
        await store.apply([account('email+addr:cy@example.org', [['cy@example.org', 'email']])]);
        expect((await store.suggestions()).map((s) => s.address)).toEqual(['di@example.org']);
      });

      it('refuses malformed sightings whole, naming the one at fault', async () => {
        await expectStoreError(store.recordSuggestions([sight('ok@example.org', 'email+msg:1'), sight('Not An Address', 'email+msg:1')]), 'invalid');
        await expectStoreError(store.recordSuggestions([sight('ok@example.org', 'email+msg:1', undefined, 'yesterday')]), 'invalid');
        await expect(store.recordSuggestions([sight('ok@example.org', '')])).rejects.toThrow(/sighting 0/);
        expect(await store.suggestions()).toEqual([]);
      });
    });
  });
}
