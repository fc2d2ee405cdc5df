import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkInstant, LIMITS, validateBatch, validateObservation, ValidationError } from './validate.js';

const prov = { source: 'test', file: 'f.jsonl', record: 'line 3' };

function reason(x: unknown): string {
  try {
    validateObservation(x);
  } catch (e) {
    expect(e).toBeInstanceOf(ValidationError);
    return (e as Error).message;
  }
  throw new Error('expected a ValidationError');
}

describe('validateObservation', () => {
  it('accepts every observation type and returns a clean copy', () => {
    const good = [
      { type: 'account', externalId: 'twitter+user:1', names: [{ name: '@ada', kind: 'handle' }], profile: { bio: 'hi' }, seenAt: '2020-01-02T03:04:05Z', provenance: prov },
      {
        type: 'post', externalId: 'twitter+tweet:9', poster: 'twitter+user:1', text: 'hello', when: '2020-01-02T03:04:05.123+02:00', url: 'https://x.com/a/9',
        refs: [{ rel: 'reply-to', post: 'twitter+tweet:8' }], distribution: [{ rel: 'broadcast' }, { rel: 'to', target: 'twitter+user:2' }], links: ['https://example.org'], raw: { a: [1] }, provenance: prov,
      },
      { type: 'relationship', from: 'twitter+user:1', to: 'twitter+user:2', kind: 'follows', provenance: prov },
      { type: 'interaction', account: 'twitter+user:1', post: 'twitter+tweet:9', kind: 'like', when: '2020-01-02', provenance: prov },
      { type: 'tombstone', post: 'twitter+tweet:9', provenance: prov },
      { type: 'evidence', a: 'twitter+user:1', b: 'github+user:ada', kind: 'rel-me', confidence: 0.9, proof: 'https://p', provenance: prov },
      { type: 'identity', accounts: ['twitter+user:1', 'email+addr:a@b.c'], self: true, provenance: prov },
      { type: 'list', externalId: 'twitter+list:5', name: 'friends', owner: 'twitter+user:1', members: ['twitter+user:2'], provenance: prov },
      { type: 'note', account: 'twitter+user:1', text: 'met at a conference', key: 'bbdb:1', provenance: prov },
    ];
    for (const g of good) expect(validateObservation(g)).toEqual(g);
    expect(validateBatch(good)).toHaveLength(good.length);
  });

  it('drops unknown keys, including __proto__', () => {
    const hostile = JSON.parse('{"type":"tombstone","post":"twitter+tweet:1","provenance":{"source":"x"},"__proto__":{"polluted":1},"extra":2}');
    const out = validateObservation(hostile) as unknown as Record<string, unknown>;
    expect(Object.keys(out).sort()).toEqual(['post', 'provenance', 'type']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('names the field and the reason', () => {
    expect(reason({ type: 'account', externalId: 'twitter+user:1', names: [{ name: 'a', kind: 'nickname' }], provenance: prov })).toMatch(/names\[0\]\.kind: must be one of handle\|display/);
    expect(reason({ type: 'account', externalId: 'nope', provenance: prov })).toMatch(/externalId: not an external id/);
    expect(reason({ type: 'account', externalId: 'twitter+user:a\u0001b', provenance: prov })).toMatch(/control characters/);
    expect(reason({ type: 'account', externalId: 'twitter+user:1' })).toMatch(/provenance: must be an object/);
    expect(reason({ type: 'account', externalId: 'twitter+user:1', provenance: { source: '' } })).toMatch(/provenance\.source: must not be empty/);
    expect(reason({ type: 'whatever', provenance: prov })).toMatch(/type: unknown observation type "whatever"/);
    expect(reason({ type: 'evidence', a: 'x+y:1', b: 'x+y:2', kind: 'k', confidence: 1.5, provenance: prov })).toMatch(/confidence: must be a number in 0\.\.1/);
    expect(reason({ type: 'evidence', a: 'x+y:1', b: 'x+y:2', kind: 'k', confidence: Number.NaN, provenance: prov })).toMatch(/confidence/);
    expect(reason({ type: 'evidence', a: 'x+y:1', b: 'x+y:1', kind: 'k', confidence: 0.5, provenance: prov })).toMatch(/two different accounts/);
    expect(reason({ type: 'post', externalId: 'x+y:1', distribution: [{ rel: 'to' }], provenance: prov })).toMatch(/distribution\[0\]\.target: required for to/);
    expect(reason({ type: 'post', externalId: 'x+y:1', distribution: [{ rel: 'broadcast', target: 'x+y:2' }], provenance: prov })).toMatch(/broadcast has no target/);
    expect(reason({ type: 'post', externalId: 'x+y:1', refs: [{ rel: 'reply-to', post: 7 }], provenance: prov })).toMatch(/refs\[0\]\.post: must be a string, got number 7/);
    expect(reason({ type: 'identity', accounts: [], provenance: prov })).toMatch(/at least one/);
    expect(reason({ type: 'identity', accounts: ['x+y:1'], self: 'yes', provenance: prov })).toMatch(/self: must be true or false/);
    expect(reason({ type: 'note', account: 'x+y:1', text: 't', key: '', provenance: prov })).toMatch(/key: must not be empty/);
    expect(reason([1, 2])).toMatch(/must be an object, got an array/);
    expect(reason(null)).toMatch(/must be an object, got null/);
  });

  it('includes index and provenance in batch errors', () => {
    const batch = [
      { type: 'tombstone', post: 'x+y:1', provenance: prov },
      { type: 'tombstone', post: 'bad', provenance: { source: 'jsonl', file: 'in.jsonl', record: 'line 7' } },
    ];
    expect(() => validateBatch(batch)).toThrow(/observation 1 from jsonl in\.jsonl line 7: post: not an external id/);
    expect(() => validateBatch({})).toThrow(/must be an array/);
  });

  it('enforces size limits', () => {
    const big = 'é'.repeat(LIMITS.textBytes / 2 + 1); // 2 bytes each: just over 1 MB
    expect(reason({ type: 'post', externalId: 'x+y:1', text: big, provenance: prov })).toMatch(/text: larger than 1048576 bytes/);
    expect(validateObservation({ type: 'post', externalId: 'x+y:1', text: 'a'.repeat(LIMITS.textBytes), provenance: prov })).toBeTruthy();
    expect(reason({ type: 'account', externalId: 'x+y:1', names: [{ name: 'n'.repeat(1025), kind: 'display' }], provenance: prov })).toMatch(/names\[0\]\.name: longer than 1024/);
    expect(reason({ type: 'account', externalId: 'x+y:1', names: Array.from({ length: LIMITS.names + 1 }, () => ({ name: 'a', kind: 'nick' })), provenance: prov })).toMatch(/names: more than/);
    expect(reason({ type: 'post', externalId: 'x+y:1', raw: { s: 'x'.repeat(LIMITS.textBytes) }, provenance: prov })).toMatch(/raw: larger than/);
    expect(reason({ type: 'account', externalId: `x+y:${'1'.repeat(3000)}`, provenance: prov })).toMatch(/longer than 2048/);
  });

  it('rejects values that cannot be stored as JSON', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(reason({ type: 'post', externalId: 'x+y:1', raw: cyclic, provenance: prov })).toMatch(/raw: not JSON-serialisable/);
    expect(reason({ type: 'post', externalId: 'x+y:1', raw: 10n, provenance: prov })).toMatch(/raw: not JSON-serialisable/);
    expect(reason({ type: 'account', externalId: 'x+y:1', profile: new Date(), provenance: prov })).toMatch(/profile: must be an object/);
  });
});

describe('checkInstant', () => {
  it('accepts real ISO times', () => {
    for (const s of ['2020-02-29', '2020-02-29T23:59:59Z', '1999-12-31T00:00:00.123456+05:30', '2021-06-01 10:00Z', '0099-01-01']) expect(checkInstant(s, 't')).toBe(s);
  });
  it('rejects impossible or malformed ones', () => {
    for (const s of ['2021-02-29', '2021-02-30T00:00:00Z', '2021-13-01', '2021-00-10', '2021-01-01T24:00:00Z', '2021-01-01T10:61Z', 'yesterday', '', '2021-01-01T10:00:00', '12/01/2020']) {
      expect(() => checkInstant(s, 'when'), s).toThrow(ValidationError);
    }
    expect(() => checkInstant(1577836800000, 'when')).toThrow(/when: must be a string/);
  });
});

describe('validateObservation on arbitrary input', () => {
  it('either returns an observation or throws a ValidationError, never anything else', () => {
    const shaped = fc.record(
      {
        type: fc.constantFrom('account', 'post', 'relationship', 'interaction', 'tombstone', 'evidence', 'identity', 'list', 'note', 'x'),
        externalId: fc.oneof(fc.string(), fc.constant('twitter+user:1')),
        post: fc.oneof(fc.string(), fc.constant('twitter+tweet:1'), fc.anything()),
        account: fc.anything(),
        names: fc.anything(),
        refs: fc.anything(),
        distribution: fc.anything(),
        when: fc.oneof(fc.string(), fc.constant('2020-01-01T00:00:00Z'), fc.anything()),
        confidence: fc.anything(),
        accounts: fc.anything(),
        provenance: fc.oneof(fc.constant({ source: 's' }), fc.anything()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), shaped), (x) => {
        try {
          const o = validateObservation(x);
          expect(typeof o.type).toBe('string');
        } catch (e) {
          expect(e).toBeInstanceOf(ValidationError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
