// Identity operations and person() on PostgreSQL: merge/split round trips, identity
// observations (with self and anti-links), links with typed relations, persona names, notes.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../model/observations.js';
import { postgresAvailable } from '../../../test/services.js';
import { freshPostgresStore, type TestStore } from './testing.js';

const P = { source: 'test' };
const acct = (externalId: string, name: string, seenAt = '2024-01-01T00:00:00Z'): Observation => ({
  type: 'account',
  externalId,
  names: [{ name, kind: 'display' }],
  seenAt,
  provenance: P,
});

describe.runIf(await postgresAvailable())('PostgresStore identity and person()', () => {
  let t: TestStore;
  beforeAll(async () => {
    t = await freshPostgresStore();
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('merge then split restores exactly the previous state', async () => {
    const s = t.store;
    await s.apply([acct('twitter+user:m1', 'Mia'), acct('github+user:m1', 'mia-gh'), acct('email+addr:mia@example.org', 'Mia M')]);
    const a = (await s.personaOf('twitter+user:m1'))!;
    const b = (await s.personaOf('github+user:m1'))!;
    const noteB = await s.setNote({ persona: b }, 'github person');
    const link = await s.linkPersona(null, b, 'participates');
    const before = { a: await s.person(a), b: await s.person(b), counts: await s.counts() };
    expect(before.b?.kind).toBe('human');

    const m = await s.mergePersonas(a, b, 'same person');
    expect(m).toMatchObject({ winner: a, loser: b, movedAccounts: 1 });
    expect(await s.personaOf('github+user:m1')).toBe(a);
    const merged = await s.person(a);
    // The winner now carries the loser's human link, so it reads as that human.
    if (merged?.kind !== 'human') throw new Error(`expected a human, got ${JSON.stringify(merged)}`);
    expect(merged.human.id).toBe(link.human);
    expect(merged.human.personas.map((p) => [p.id, p.rel])).toEqual([[a, 'participates']]);
    expect(merged.human.personas[0]!.accounts.map((x) => x.externalId).sort()).toEqual(['github+user:m1', 'twitter+user:m1']);
    expect(merged.notes.map((n) => n.id)).toEqual([noteB]);
    expect(await s.person(b)).toBeNull();
    expect(await s.mergeLog()).toMatchObject([{ id: m.id, op: 'merge', winner: a, loser: b, reason: 'same person', undoneAt: null }]);

    await s.splitMerge(m.id);
    expect(await s.person(a)).toEqual(before.a);
    expect(await s.person(b)).toEqual(before.b);
    expect({ ...(await s.counts()), merges: before.counts.merges }).toEqual(before.counts);
    const log = await s.mergeLog();
    expect(log[0]!.undoneAt).not.toBeNull();
    await expect(s.splitMerge(m.id)).rejects.toMatchObject({ name: 'StoreError', kind: 'conflict' });
  });

  it('splits a merge whose winner was merged away later, from its current persona', async () => {
    const s = t.store;
    await s.apply([acct('irc+user:libera/x1', 'x1'), acct('irc+user:libera/x2', 'x2'), acct('irc+user:libera/x3', 'x3')]);
    const [p1, p2, p3] = await Promise.all(['x1', 'x2', 'x3'].map((x) => s.personaOf(`irc+user:libera/${x}`)));
    const first = await s.mergePersonas(p1!, p2!);
    await s.mergePersonas(p3!, p1!);
    expect(await s.personaOf('irc+user:libera/x2')).toBe(p3);
    await s.splitMerge(first.id);
    expect(await s.personaOf('irc+user:libera/x2')).toBe(p2);
    expect(await s.personaOf('irc+user:libera/x1')).toBe(p3);
  });

  it('identity observations merge (first account wins), link self once, and respect anti-links', async () => {
    const s = t.store;
    await s.apply([acct('twitter+user:i1', 'Ivo'), acct('mastodon+user:@ivo@ex.social', 'Ivo M'), acct('email+addr:ivo@example.org', 'Ivo E')]);
    const masto = (await s.personaOf('mastodon+user:@ivo@ex.social'))!;
    const mail = (await s.personaOf('email+addr:ivo@example.org'))!;
    const tw = (await s.personaOf('twitter+user:i1'))!;
    await s.markNotSame(masto, mail);
    const r = await s.apply([
      { type: 'identity', accounts: ['mastodon+user:@ivo@ex.social', 'twitter+user:i1', 'email+addr:ivo@example.org', 'github+user:i1'], self: true, provenance: P },
    ]);
    expect(r.merges).toBe(2); // twitter and the new github account; the email persona is "not the same"
    expect(await s.personaOf('twitter+user:i1')).toBe(masto);
    expect(await s.personaOf('github+user:i1')).toBe(masto);
    expect(await s.personaOf('email+addr:ivo@example.org')).toBe(mail);
    const me = await s.person('twitter+user:i1');
    if (me?.kind !== 'human') throw new Error('expected the self human');
    expect(me.human.isSelf).toBe(true);
    expect(me.human.personas.map((p) => [p.id, p.rel])).toEqual([[masto, 'owns']]);
    // Applying again changes nothing; a second self identity reuses the same human.
    const again = await s.apply([{ type: 'identity', accounts: ['mastodon+user:@ivo@ex.social', 'twitter+user:i1'], self: true, provenance: P }]);
    expect(again.merges).toBe(0);
    await s.apply([{ type: 'identity', accounts: ['email+addr:ivo@example.org'], self: true, provenance: P }]);
    const me2 = await s.person(me.human.id);
    if (me2?.kind !== 'human') throw new Error('expected the self human');
    expect(me2.human.personas.map((p) => p.id).sort()).toEqual([masto, mail].sort());
    expect((await s.counts()).humans).toBe(1 + 1); // the self human, plus the one from the first test
    // The identity merges are logged and undoable.
    const log = (await s.mergeLog()).filter((m) => m.op === 'identity');
    expect(log).toHaveLength(2);
    await s.splitMerge(log.find((m) => m.loser === tw)!.id);
    expect(await s.personaOf('twitter+user:i1')).toBe(tw);
    expect(await s.personaOf('github+user:i1')).toBe(masto);
  });

  it('person(): human with all personas, persona names via namesvc, names most recent first, ISO times', async () => {
    const s = t.store;
    await s.apply([
      { type: 'account', externalId: 'twitter+user:p1', names: [{ name: '@old', kind: 'handle' }], seenAt: '2019-01-01T00:00:00Z', provenance: P },
      { type: 'account', externalId: 'twitter+user:p1', names: [{ name: '@new', kind: 'handle' }], seenAt: '2023-05-01T12:00:00Z', provenance: P },
      acct('github+user:p1', 'pat'),
    ]);
    const tw = (await s.personaOf('twitter+user:p1'))!;
    const gh = (await s.personaOf('github+user:p1'))!;
    const l1 = await s.linkPersona(null, tw, 'owns');
    await s.linkPersona(l1.human, gh, 'suspected');
    await s.addPersonaName(tw, 'Patricia');
    await s.addPersonaName(tw, 'Patricia'); // idempotent
    const hn = await s.setNote({ human: l1.human }, 'human note');

    // A persona only "suspected" to be the human shows on its own.
    for (const id of [gh, 'github+user:p1']) expect((await s.person(id))?.kind).toBe('persona');
    for (const id of [l1.human, tw, 'twitter+user:p1']) {
      const p = await s.person(id);
      if (p?.kind !== 'human') throw new Error(`person(${id}) is not the human`);
      expect(p.id).toBe(l1.human);
      expect(p.human.personas.map((x) => [x.id, x.rel]).sort()).toEqual(
        [
          [tw, 'owns'],
          [gh, 'suspected'],
        ].sort(),
      );
      expect(p.notes.map((n) => n.id)).toEqual([hn]);
    }
    const p = (await s.person(tw))!;
    if (p.kind !== 'human') throw new Error('unreachable');
    const persona = p.human.personas.find((x) => x.id === tw)!;
    const twitter = persona.accounts.find((a) => a.externalId === 'twitter+user:p1')!;
    expect(twitter.names.map((n) => n.name)).toEqual(['@new', '@old']);
    expect(twitter).toMatchObject({ service: 'twitter', servicePretty: 'X (Twitter)', firstSeen: '2019-01-01T00:00:00.000Z', lastSeen: '2023-05-01T12:00:00.000Z', profile: {} });
    expect(persona.names).toContain('Patricia');
    expect(persona.names.indexOf('@new')).toBeLessThan(persona.names.indexOf('@old'));
    expect(persona.accounts.some((a) => a.externalId === `namesvc+user:${tw}`)).toBe(true);

    await s.unlinkPersona(l1.human, tw);
    expect((await s.person(tw))?.kind).toBe('persona');
    await expect(s.unlinkPersona(l1.human, tw)).rejects.toMatchObject({ kind: 'not-found' });
    expect(await s.person('twitter+user:nobody')).toBeNull();
    expect(await s.person('not an id at all')).toBeNull();
    expect(await s.person('00000000-0000-4000-8000-000000000000')).toBeNull();
  });

  it('notes: set, replace by id, delete; errors for unknown targets', async () => {
    const s = t.store;
    await s.apply([acct('email+addr:n@example.org', 'N')]);
    const p = (await s.personaOf('email+addr:n@example.org'))!;
    const id = await s.setNote({ persona: p }, 'first');
    expect(await s.setNote({ persona: p }, 'second', id)).toBe(id);
    const got = await s.person(p);
    expect(got?.notes.map((n) => n.text)).toEqual(['second']);
    await s.deleteNote(id);
    expect((await s.person(p))?.notes).toEqual([]);
    await expect(s.deleteNote(id)).rejects.toMatchObject({ kind: 'not-found' });
    await expect(s.setNote({ persona: '00000000-0000-4000-8000-000000000000' }, 'x')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(s.setNote({}, 'x')).rejects.toMatchObject({ kind: 'invalid' });
    await expect(s.mergePersonas(p, p)).rejects.toMatchObject({ kind: 'invalid' });
    await expect(s.mergePersonas(p, '00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ kind: 'not-found' });
    await expect(s.linkPersona(null, p, 'bogus' as 'owns')).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('cursors', async () => {
    expect(await t.store.getCursor('imap:work', 'INBOX')).toBeNull();
    await t.store.setCursor('imap:work', 'INBOX', '42');
    await t.store.setCursor('imap:work', 'INBOX', '43');
    expect(await t.store.getCursor('imap:work', 'INBOX')).toBe('43');
  });
});
