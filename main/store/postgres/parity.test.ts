// Differential test: random sequences of batches (every observation type, over a few shared ids
// so they collide, with tombstones, stubs, identities and re-sightings) are applied to a SQLite
// store and to a PostgreSQL store; the apply results, the counts and every person() must agree.
// This is what "indistinguishable through the Store port" means, checked beyond the examples of
// the contract suite.
//
// Normalised away, because they are not the same on purpose: uuids (each store makes its own, so
// the order of a human's personas, created in one batch, is random in both) and note times (now).
// Everything else, including the order of accounts and names in person(), must be identical.
// Needs the built writer thread (npm test builds it first).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Observation } from '../../model/observations.js';
import type { PersonDto, PersonaDto } from '../../../shared/people.js';
import type { Store } from '../port.js';
import { openSqliteStore } from '../sqlite/index.js';
import { postgresAvailable } from '../../../test/services.js';
import { schemaPool } from './testing.js';

const P = { source: 'parity' };
const USERS = ['twitter+user:1', 'twitter+user:2', 'mastodon+user:@a@x.social', 'email+addr:a@example.org'];
const TWEETS = ['twitter+tweet:1', 'twitter+tweet:2', 'twitter+tweet:3', 'twitter+tweet:4'];
const DATES = ['2020-01-01T00:00:00Z', '2021-06-01T00:00:00Z', '2022-03-03T12:00:00Z'];

const user = fc.constantFrom(...USERS);
const tweet = fc.constantFrom(...TWEETS);
const date = fc.constantFrom(...DATES);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

/** Drop undefined fields (an observation from JSON never has them). */
function clean<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

const observation: fc.Arbitrary<Observation> = fc.oneof(
  fc.record({
    externalId: user,
    names: fc.array(fc.record({ name: fc.constantFrom('ada', '@ada', 'Ada L', 'Zoë', '  ', 'bob'), kind: fc.constantFrom('handle', 'display', 'email', 'nick') }), { maxLength: 3 }),
    seenAt: date,
    profile: opt(fc.dictionary(fc.constantFrom('bio', 'loc'), fc.constantFrom('x', 'y'), { maxKeys: 2 })),
  }).map((o) => clean({ type: 'account', ...o, provenance: P }) as Observation),
  fc.record({
    externalId: tweet,
    poster: opt(user),
    text: opt(fc.constantFrom('hello', 'edited', '')),
    when: opt(date),
    url: opt(fc.constantFrom('https://x.com/1', 'https://x.com/2')),
    refs: opt(fc.array(fc.record({ rel: fc.constantFrom('reply-to', 'quotes'), post: tweet }), { maxLength: 2 })),
    distribution: opt(
      fc.array(
        fc.oneof(
          fc.constant({ rel: 'broadcast' }),
          fc.record({ rel: fc.constantFrom('to', 'cc'), target: fc.constantFrom(...USERS, 'twitter+user:9') }),
          fc.record({ rel: fc.constantFrom('list', 'channel'), target: fc.constantFrom('twitter+list:1', 'irc+channel:libera/#x') }),
        ),
        { maxLength: 2 },
      ),
    ),
    links: opt(fc.array(fc.constantFrom('https://a.example', 'https://b.example'), { maxLength: 2 })),
    raw: opt(fc.constantFrom({ v: 1 }, { v: 2 })),
  }).map((o) => clean({ type: 'post', ...o, provenance: P }) as Observation),
  fc.record({ from: user, to: user, kind: fc.constantFrom('follows', 'mutes'), when: date }).map((o) => ({ type: 'relationship', ...o, provenance: P }) as Observation),
  fc.record({ account: user, post: tweet, kind: fc.constantFrom('like', 'share'), when: date }).map((o) => ({ type: 'interaction', ...o, provenance: P }) as Observation),
  tweet.map((post) => ({ type: 'tombstone', post, provenance: P }) as Observation),
  fc.record({ a: user, b: user, proof: opt(fc.constantFrom('https://proof')) }).map((o) => clean({ type: 'evidence', kind: 'rel-me', confidence: 0.5, ...o, provenance: P }) as Observation),
  fc.record({ accounts: fc.array(fc.constantFrom(...USERS, 'github+user:z'), { minLength: 1, maxLength: 3 }), self: opt(fc.boolean()) }).map(
    (o) => clean({ type: 'identity', ...o, provenance: P }) as Observation,
  ),
  fc.record({ name: opt(fc.constantFrom('friends', 'foes')), owner: opt(user), members: opt(fc.array(user, { maxLength: 2 })) }).map(
    (o) => clean({ type: 'list', externalId: 'twitter+list:1', ...o, provenance: P }) as Observation,
  ),
  fc.record({ account: user, text: fc.constantFrom('note a', 'note b'), key: fc.constantFrom('k1', 'k2') }).map((o) => ({ type: 'note', ...o, provenance: P }) as Observation),
);

const batches = fc.array(fc.array(observation, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 });

/** Identity operations, naming personas by one of their accounts (each store has its own uuids). */
type Op =
  | { op: 'apply'; batch: Observation[] }
  | { op: 'merge'; a: string; b: string }
  | { op: 'split'; k: number }
  | { op: 'link'; a: string; to: string | null; rel: 'owns' | 'participates' | 'suspected' }
  | { op: 'unlink'; a: string; from: string }
  | { op: 'notSame'; a: string; b: string }
  | { op: 'name'; a: string; name: string }
  | { op: 'note'; a: string; text: string };

const anyUser = fc.constantFrom(...USERS, 'github+user:z');
/** Every operation list starts by seeing all accounts, so the operations find their personas. */
const SETUP: Op = {
  op: 'apply',
  batch: [...USERS, 'github+user:z'].map((externalId, i) => ({ type: 'account', externalId, names: [{ name: `user${i}`, kind: 'nick' }], seenAt: DATES[i % DATES.length]!, provenance: P })),
};
const ops: fc.Arbitrary<Op[]> = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.array(observation, { minLength: 1, maxLength: 6 }).map((batch): Op => ({ op: 'apply', batch })) },
    fc.record({ a: anyUser, b: anyUser }).map((o): Op => ({ op: 'merge', ...o })),
    fc.nat(5).map((k): Op => ({ op: 'split', k })),
    fc.record({ a: anyUser, to: fc.option(anyUser, { nil: null }), rel: fc.constantFrom('owns', 'participates', 'suspected') }).map((o): Op => ({ op: 'link', ...o })),
    fc.record({ a: anyUser, from: anyUser }).map((o): Op => ({ op: 'unlink', ...o })),
    fc.record({ a: anyUser, b: anyUser }).map((o): Op => ({ op: 'notSame', ...o })),
    fc.record({ a: anyUser, name: fc.constantFrom('Countess', 'A. L.') }).map((o): Op => ({ op: 'name', ...o })),
    fc.record({ a: anyUser, text: fc.constantFrom('likes tea', 'likes maths') }).map((o): Op => ({ op: 'note', ...o })),
  ),
  { minLength: 1, maxLength: 10 },
).map((list) => [SETUP, ...list]);

/** Run one operation; the answer without ids (ok, or the error's kind). */
async function run(store: Store, o: Op): Promise<unknown> {
  const persona = (ext: string) => store.personaOf(ext);
  const humanOf = async (ext: string) => {
    const p = await store.person(ext);
    return p?.kind === 'human' ? p.id : undefined;
  };
  const done = async (p: Promise<unknown>) => {
    const r = await outcome(p);
    return 'ok' in r ? 'ok' : { name: r.error.name, kind: r.error.kind };
  };
  switch (o.op) {
    case 'apply':
      return outcome(store.apply(o.batch));
    case 'merge': {
      const [a, b] = [await persona(o.a), await persona(o.b)];
      return a && b ? done(store.mergePersonas(a, b, 'parity')) : 'skipped';
    }
    case 'split': {
      const log = await store.mergeLog();
      const m = log[o.k % Math.max(1, log.length)];
      return m ? done(store.splitMerge(m.id)) : 'skipped';
    }
    case 'link': {
      const a = await persona(o.a);
      const human = o.to === null ? null : await humanOf(o.to);
      return a && human !== undefined ? done(store.linkPersona(human, a, o.rel)) : 'skipped';
    }
    case 'unlink': {
      const [a, h] = [await persona(o.a), await humanOf(o.from)];
      return a && h ? done(store.unlinkPersona(h, a)) : 'skipped';
    }
    case 'notSame': {
      const [a, b] = [await persona(o.a), await persona(o.b)];
      return a && b ? done(store.markNotSame(a, b)) : 'skipped';
    }
    case 'name': {
      const a = await persona(o.a);
      return a ? done(store.addPersonaName(a, o.name)) : 'skipped';
    }
    case 'note': {
      const a = await persona(o.a);
      return a ? done(store.setNote({ persona: a }, o.text)) : 'skipped';
    }
  }
}

/** A person with uuids replaced by what they hold (accounts, names and their order are kept). */
function normalise(p: PersonDto | null): unknown {
  if (!p) return null;
  const persona = (x: PersonaDto) => {
    const accounts = x.accounts.filter((a) => a.service !== 'namesvc');
    return { label: accounts.map((a) => a.externalId).join(' '), rel: x.rel, names: x.names, accounts, firstSeen: x.firstSeen, lastSeen: x.lastSeen };
  };
  const notes = p.notes.map((n) => n.text).sort();
  if (p.kind === 'persona') return { kind: 'persona', persona: persona(p.persona), notes };
  // Personas of one human are ordered by creation time, then uuid: random in both stores.
  const personas = p.human.personas.map(persona).sort((a, b) => a.label.localeCompare(b.label));
  return { kind: 'human', isSelf: p.human.isSelf, personas, notes };
}

async function snapshot(store: Store): Promise<unknown> {
  const ids = [...USERS, 'twitter+user:9', 'github+user:z'];
  const people: Record<string, unknown> = {};
  // Persona names live on namesvc accounts, which are left out of `accounts` but not of `names`.
  for (const id of ids) people[id] = normalise(await store.person(id));
  const log = (await store.mergeLog()).map((m) => [m.op, m.undoneAt === null]);
  return { counts: await store.counts(), people, log };
}

async function outcome<T>(p: Promise<T>): Promise<{ ok: T } | { error: { name: string; kind: unknown; message: string } }> {
  try {
    return { ok: await p };
  } catch (e) {
    const err = e as Error & { kind?: unknown };
    return { error: { name: err.name, kind: err.kind, message: err.message } };
  }
}

describe.runIf(await postgresAvailable())('SQLite and PostgreSQL stores agree', () => {
  const schemas = schemaPool();
  const dirs: string[] = [];
  afterAll(async () => {
    await schemas.dropAll();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('on random batches of every observation type', async () => {
    await fc.assert(
      fc.asyncProperty(batches, async (bs) => {
        const dir = mkdtempSync(join(tmpdir(), 'skrode-parity-'));
        dirs.push(dir);
        const sqlite = await openSqliteStore(join(dir, 'skrode.db'));
        const pg = await schemas.acquire();
        try {
          for (const [i, b] of bs.entries()) {
            // Invalid batches (evidence of an account with itself ...) must be refused alike.
            const want = await outcome(sqlite.apply(b));
            const got = await outcome(pg.store.apply(b));
            expect({ batch: i, result: got }).toEqual({ batch: i, result: want });
          }
          expect(await snapshot(pg.store)).toEqual(await snapshot(sqlite));
        } finally {
          await sqlite.close();
          await pg.cleanup();
        }
      }),
      { numRuns: Number(process.env.SKRODE_PARITY_RUNS ?? 20) },
    );
  }, 240_000);

  it('on random mixes of batches and identity operations (merge, split, link, names, notes)', async () => {
    await fc.assert(
      fc.asyncProperty(ops, async (list) => {
        const dir = mkdtempSync(join(tmpdir(), 'skrode-parity-'));
        dirs.push(dir);
        const sqlite = await openSqliteStore(join(dir, 'skrode.db'));
        const pg = await schemas.acquire();
        try {
          for (const [i, o] of list.entries()) {
            const want = await run(sqlite, o);
            const got = await run(pg.store, o);
            expect({ step: i, op: o.op, result: got }).toEqual({ step: i, op: o.op, result: want });
            expect({ step: i, state: await snapshot(pg.store) }).toEqual({ step: i, state: await snapshot(sqlite) });
          }
        } finally {
          await sqlite.close();
          await pg.cleanup();
        }
      }),
      { numRuns: Number(process.env.SKRODE_PARITY_RUNS ?? 20) },
    );
  }, 240_000);
});
