// The lookup engine's behaviour, as one suite run against every backend (SQLite always,
// Postgres when reachable): engine.sqlite.test.ts and engine.postgres.test.ts call it.
import { beforeAll, describe, expect, it } from 'vitest';
import type { LookupBackend } from './backend.js';
import { rankPeople, type LookupOptions } from './engine.js';
import { SAMPLE_PEOPLE as PEOPLE, type Inserted } from './fixtures.js';

export { PEOPLE };

export interface SuiteContext {
  backend: LookupBackend;
  inserted: Inserted;
}

export function lookupSuite(name: string, setup: () => Promise<SuiteContext>): void {
  describe(`lookup engine (${name})`, () => {
    let ctx: SuiteContext;
    /** Fixture key -> the id whois returns for it (its human, else its first persona). */
    const idOf = new Map<string, string>();
    const keyOf = new Map<string, string>();

    beforeAll(async () => {
      ctx = await setup();
      let h = 0;
      PEOPLE.forEach((p, i) => {
        const id = p.person.human ? ctx.inserted.humans[h++]! : ctx.inserted.personas[i]![0]!;
        idOf.set(p.key, id);
        keyOf.set(id, p.key);
        for (const persona of ctx.inserted.personas[i]!) if (!keyOf.has(persona)) keyOf.set(persona, p.key);
      });
    });

    const who = async (pattern: string, options: LookupOptions = {}) => (await rankPeople(ctx.backend, pattern, { limit: 20, ...options })).map((r) => keyOf.get(r.id) ?? r.id);
    const tiers = async (pattern: string, options: LookupOptions = {}) => (await rankPeople(ctx.backend, pattern, { limit: 20, ...options })).map((r) => `${keyOf.get(r.id)}:${r.matched.tier}`);

    it('ranks exact > prefix > word-prefix > substring', async () => {
      expect(await tiers('ada')).toEqual(['ada:exact', 'adam:prefix', 'zoe:word-prefix', 'nadal:substring']);
    });

    it('breaks ties within a tier by recency', async () => {
      expect(await who('bob')).toEqual(['bobcat', 'bobby']);
    });

    it('prints a human once, whichever of its personas matched', async () => {
      const r = await rankPeople(ctx.backend, 'ada', { limit: 20 });
      expect(r.filter((x) => x.id === idOf.get('ada'))).toHaveLength(1);
      expect(r[0]!.kind).toBe('human');
      expect(r[1]!.kind).toBe('persona');
    });

    it('counts a persona a human owns or participates in as that human, a suspected one as itself', async () => {
      expect(await who('quentin')).toEqual(['partner']);
      const [suspect] = await rankPeople(ctx.backend, 'ursula');
      expect(suspect).toMatchObject({ kind: 'persona', id: ctx.inserted.personas[PEOPLE.findIndex((p) => p.key === 'suspect')]![0] });
    });

    it('is case- and accent-insensitive', async () => {
      expect(await tiers('ÅDAHL')).toEqual(['zoe:word-prefix']);
      expect(await tiers('zoe adahl')).toEqual(['zoe:exact']);
      expect(await who('LOVELACE')).toEqual(['ada']);
    });

    it('an @ pattern finds handles only; a bare one finds both', async () => {
      expect(await tiers('@arrdem')).toEqual(['reid:exact']);
      expect(await who('arrdem')).toEqual(['reid', 'arrdemfan']);
      expect(await tiers('@zoe@example.social')).toEqual(['zoe:exact']);
      expect(await tiers('zoe@example.social')).toEqual(['zoe:exact']);
      expect(await who('@Adam')).toEqual(['adam']);
    });

    it('finds e-mail addresses whole and in part', async () => {
      expect(await tiers('ada@example.org')).toEqual(['ada:exact']);
      expect(await tiers('ADA@Example')).toEqual(['ada:prefix']);
      expect(await who('example.org')).toEqual(['ada']);
    });

    it('compares phone numbers by their digits', async () => {
      expect(await tiers('+44 1234 567890')).toEqual(['phone:exact']);
      expect(await tiers('+441234567890')).toEqual(['phone:exact']);
      expect(await tiers('+44 (1234) 56-78-90')).toEqual(['phone:exact']);
      expect(await tiers('+44 1234')).toEqual(['phone:prefix']);
      expect(await who('1234 567890')).toEqual(['phone']);
    });

    it('falls back to typo-tolerant matches only when nothing matches', async () => {
      expect(await tiers('mckenzei')).toEqual(['reid:fuzzy']);
      expect(await tiers('lovelcae')).toEqual(['ada:fuzzy']);
      expect(await who('adma smith')).toEqual(['adam']);
      expect(await who('qqqqqqqq')).toEqual([]);
    });

    it('honours the limit', async () => {
      expect(await who('a', { limit: 2 })).toHaveLength(2);
      expect(await who('ada', { limit: 1 })).toEqual(['ada']);
      expect(await rankPeople(ctx.backend, 'a')).toHaveLength(3); // the original's default
    });

    it('--exact finds exact matches only', async () => {
      expect(await tiers('ada', { exact: true })).toEqual(['ada:exact']);
      expect(await who('adam', { exact: true })).toEqual([]);
      expect(await who('mckenzei', { exact: true })).toEqual([]);
    });

    it('takes every character of a hostile pattern literally', async () => {
      expect(await who('%')).toEqual(['percent']);
      expect(await who('_')).toEqual(['under']);
      expect(await who('*')).toEqual(['caret']);
      expect(await who('^')).toEqual(['caret']);
      expect(await who('b^c*')).toEqual(['caret']);
      expect(await who('-')).toEqual(['caret']);
      expect(await who('"')).toEqual(['quote']);
      expect(await who('"hi"')).toEqual(['quote']);
      expect(await who('\\')).toEqual(['slash']);
      expect(await who('k\\s')).toEqual(['slash']);
      expect(await who("o'hara")).toEqual(['colon']);
      expect(await who('fold:')).toEqual(['colon']);
      expect(await who('NEAR')).toEqual(['near']);
      expect(await who('and')).toEqual(['near']);
      expect(await who('near(')).toEqual(['near']); // one typo away: the fuzzy fallback
      expect(await who('% real')).toEqual(['percent']);
      expect(await who('100%')).toEqual(['percent']);
      expect(await who('%_%')).toEqual([]);
      expect(await who('a OR b')).toEqual([]);
      expect(await who('ada" OR "bob')).toEqual([]);
      expect(await who("'; drop table names; --")).toEqual([]);
      expect(await who('ada')).toHaveLength(4); // still all there
    });

    it('returns nothing, fast, for empty and blank patterns', async () => {
      expect(await who('')).toEqual([]);
      expect(await who('   \t ')).toEqual([]);
      expect(await who('@')).toEqual([]);
      expect(await who('x'.repeat(100_000))).toEqual([]);
    });

    it('gives the same answer when every step is capped (recency scan path)', async () => {
      // cap 1 forces the "too many candidates" path on every step.
      expect(await tiers('ada', { cap: 1, budget: 1_000_000 })).toEqual(['ada:exact', 'adam:prefix', 'zoe:word-prefix', 'nadal:substring']);
      expect(await who('bob', { cap: 1, budget: 1_000_000 })).toEqual(['bobcat', 'bobby']);
      expect(await who('a', { cap: 1, budget: 1_000_000, limit: 3 })).toEqual(['arrdemfan', 'adam', 'ada']);
      // A budget too small to see any match still answers (from the index, in index order).
      const few = await who('bob', { cap: 1, budget: 1 });
      expect(few.length).toBeGreaterThan(0);
      expect(['bobby', 'bobcat']).toEqual(expect.arrayContaining(few));
    });
  });
}
