// SightingFolder on its own: which sightings are folded, and exactly which extremes come out when
// an account is forgotten (least recently seen first) or drained. The store-level equivalence
// (folded == every sighting applied) is in batch-writer.test.ts.
import { describe, expect, it } from 'vitest';
import type { AccountSeen } from '../model/observations.js';
import { SightingFolder } from './sightings.js';

const prov = { source: 'x-archive', file: 'data/tweets.js', record: '#7' };
const at = (day: number) => new Date(Date.UTC(2021, 0, day)).toISOString();
/** A sighting of `twitter+user:ID` on a day of January 2021; names null for none at all. */
const seen = (id: string, day: number, names: AccountSeen['names'] | null = [{ name: `@${id}`, kind: 'handle' }]): AccountSeen => ({
  type: 'account',
  externalId: `twitter+user:${id}`,
  ...(names ? { names } : {}),
  seenAt: at(day),
  provenance: prov,
});

describe('SightingFolder', () => {
  it('sends the first sighting, folds the rest, and drains only the extremes that differ from it', () => {
    const out: AccountSeen[] = [];
    const f = new SightingFolder(10, (o) => out.push(o));
    expect(f.fold(seen('1', 5))).toBe(false);
    expect([3, 9, 4, 8].map((d) => f.fold(seen('1', d)))).toEqual([true, true, true, true]);
    expect(f.fold(seen('2', 1))).toBe(false); // seen once: nothing to drain
    expect(f.folded).toBe(4);
    f.drain();
    expect(out).toEqual([
      { type: 'account', externalId: 'twitter+user:1', names: [{ name: '@1', kind: 'handle' }], seenAt: at(3), provenance: { source: 'x-archive', file: 'data/tweets.js' } },
      { type: 'account', externalId: 'twitter+user:1', names: [{ name: '@1', kind: 'handle' }], seenAt: at(9), provenance: { source: 'x-archive', file: 'data/tweets.js' } },
    ]);
    expect(f.size).toBe(0);
  });

  it('forgets the least recently seen account when full, emitting its extremes then', () => {
    const out: AccountSeen[] = [];
    const f = new SightingFolder(2, (o) => out.push(o));
    f.fold(seen('a', 1));
    f.fold(seen('b', 1));
    f.fold(seen('a', 2)); // a is now the most recently seen
    expect(out).toEqual([]);
    expect(f.fold(seen('c', 1))).toBe(false); // b goes, with nothing to say
    expect(out).toEqual([]);
    expect(f.fold(seen('d', 1))).toBe(false); // a goes: its later sighting comes out
    expect(out.map((o) => [o.externalId, o.seenAt])).toEqual([['twitter+user:a', at(2)]]);
    // A forgotten account is remembered afresh when seen again (its slot was reused).
    expect(f.fold(seen('a', 3))).toBe(false);
    expect(f.size).toBe(2);
  });

  it('keeps different names of one account apart, and rebuilds awkward names exactly', () => {
    const out: AccountSeen[] = [];
    const f = new SightingFolder(10, (o) => out.push(o));
    const odd = [
      { name: 'Zoë "quoted", \\ back', kind: 'display' as const },
      { name: '🦀 \u0000 nul', kind: 'alias' as const },
    ];
    f.fold(seen('1', 1, odd));
    f.fold(seen('1', 1)); // same account, other names: its own entry
    expect(f.fold(seen('1', 4, odd))).toBe(true);
    expect(f.fold(seen('1', 6))).toBe(true);
    f.drain();
    expect(out.map((o) => [o.names, o.seenAt])).toEqual([
      [odd, at(4)],
      [[{ name: '@1', kind: 'handle' }], at(6)],
    ]);
    const bare = new SightingFolder(10, (o) => out.push(o));
    bare.fold(seen('9', 1, null));
    bare.fold(seen('9', 2, null));
    bare.drain();
    expect(out.at(-1)).toEqual({ type: 'account', externalId: 'twitter+user:9', seenAt: at(2), provenance: { source: 'x-archive', file: 'data/tweets.js' } });
  });

  it('never folds what validation should judge: profiles, missing or bad times, bad names', () => {
    const f = new SightingFolder(10, () => {});
    const base = seen('1', 1);
    f.fold(base);
    expect(f.fold({ ...base, profile: { bio: 'x' } })).toBe(false);
    expect(f.fold({ ...base, seenAt: undefined })).toBe(false);
    expect(f.fold({ ...base, seenAt: '2021-02-30T00:00:00Z' })).toBe(false);
    expect(f.fold({ ...base, seenAt: 12 as unknown as string })).toBe(false);
    expect(f.fold({ ...base, names: [{ name: '@1', kind: 'nickname' as 'nick' }] })).toBe(false);
    expect(f.folded).toBe(0);
  });
});
