import { describe, expect, it } from 'vitest';
import { ftsWordPrefix, fuzzyPieces, likeEscape, maxEdits, parseQuery, trigrams, tsWordPrefix, words } from './query.js';
import { classify, classifyFuzzy, substringDistance } from './match.js';

describe('parseQuery', () => {
  it('folds case and accents and tells handles, phones and text apart', () => {
    expect(parseQuery('  Zoë  ÅDAHL ')).toMatchObject({ mode: 'text', key: 'zoe adahl' });
    expect(parseQuery('@Arrdem')).toMatchObject({ mode: 'handle', key: 'arrdem' });
    expect(parseQuery('ada@example.org')).toMatchObject({ mode: 'text', key: 'ada@example.org' });
    expect(parseQuery('+44 (20) 7946-0018')).toMatchObject({ mode: 'phone', digits: '442079460018' });
    expect(parseQuery('2024')).toMatchObject({ mode: 'text' }); // too few digits for a number
    expect(parseQuery('ada', { exact: true })).toMatchObject({ exact: true });
  });

  it('has nothing to look for in blank patterns', () => {
    for (const p of ['', '   ', '\t\n', '@', ' @ ']) expect(parseQuery(p)).toBeNull();
  });

  it('cuts absurdly long patterns', () => {
    expect(parseQuery('x'.repeat(10_000))!.key).toHaveLength(256);
  });
});

describe('FTS and LIKE quoting', () => {
  it('keeps only word characters in word-prefix queries, quoted', () => {
    expect(ftsWordPrefix('reid mck')).toBe('"reid mck"*');
    expect(ftsWordPrefix('a" OR "b')).toBe('"a OR b"*'); // inside the quotes OR is a word, not an operator
    expect(ftsWordPrefix('NEAR(x)')).toBe('"NEAR x"*');
    expect(ftsWordPrefix('%_*^"\\')).toBeNull();
    expect(words("o'brien-smith")).toEqual(['o', 'brien', 'smith']);
  });

  it('quotes tsquery lexemes', () => {
    expect(tsWordPrefix("o'brien mck")).toBe("'o' <-> 'brien' <-> 'mck':*");
    expect(tsWordPrefix('!&|')).toBeNull();
  });

  it('escapes LIKE wildcards', () => {
    expect(likeEscape('100%_a\\b')).toBe('100\\%\\_a\\\\b');
  });

  it('makes trigrams by code point', () => {
    expect(trigrams('abcd')).toEqual(['abc', 'bcd']);
    expect(trigrams('ab')).toEqual([]);
    expect(trigrams('😀ab')).toEqual(['😀ab']);
    expect(trigrams('abcdefghijklmnop', 4)).toHaveLength(4);
  });
});

describe('fuzzy pieces and edit distance', () => {
  it('forgives more typos in longer patterns', () => {
    expect([3, 4, 6, 10].map(maxEdits)).toEqual([0, 1, 2, 3]);
  });

  it('splits the pattern so one piece survives the typos', () => {
    expect(fuzzyPieces('abc')).toEqual([]);
    expect(fuzzyPieces('mckenzei')).toEqual(['mcke', 'nzei']);
    expect(fuzzyPieces('jonh')).toEqual(['jon', 'onh']);
  });

  it('measures the distance to the best substring, with swaps as one edit', () => {
    expect(substringDistance('mckenzei', 'reid mckenzie')).toBe(1);
    expect(substringDistance('lovelace', 'ada lovelace')).toBe(0);
    expect(substringDistance('lvoelace', 'ada lovelace')).toBe(1);
    expect(substringDistance('lovlace', 'ada lovelace')).toBe(1);
    expect(substringDistance('xyz', 'abc', 1)).toBe(2); // early exit: limit + 1
  });
});

describe('classify', () => {
  const q = (p: string, exact = false) => parseQuery(p, { exact })!;
  it('assigns the best tier over the name with and without its @', () => {
    expect(classify({ fold: '@arrdem', kind: 'handle' }, q('arrdem'))).toEqual({ tier: 'exact', distance: 0 });
    expect(classify({ fold: '@arrdemsays', kind: 'handle' }, q('arrdem'))?.tier).toBe('prefix');
    expect(classify({ fold: 'reid mckenzie', kind: 'display' }, q('mck'))?.tier).toBe('word-prefix');
    expect(classify({ fold: 'ada@example.org', kind: 'email' }, q('example'))?.tier).toBe('word-prefix');
    expect(classify({ fold: 'rafael nadal', kind: 'display' }, q('ada'))?.tier).toBe('substring');
    expect(classify({ fold: 'rafael nadal', kind: 'display' }, q('xyz'))).toBeNull();
  });

  it('limits @ patterns to handles and --exact to exact matches', () => {
    expect(classify({ fold: 'arrdem fan', kind: 'display' }, q('@arrdem'))).toBeNull();
    expect(classify({ fold: 'arrdem', kind: 'handle' }, q('@arrdem'))?.tier).toBe('exact');
    expect(classify({ fold: '@arrdemsays', kind: 'handle' }, q('arrdem', true))).toBeNull();
    expect(classifyFuzzy({ fold: 'reid mckenzie', kind: 'display' }, q('mckenzei', true))).toBeNull();
  });

  it('compares phone numbers by digits, stored form or external id', () => {
    expect(classify({ fold: '+44 1234 567890', kind: 'phone' }, q('+441234567890'))?.tier).toBe('exact');
    expect(classify({ fold: '(01234) 567-890', kind: 'phone' }, q('01234 567890'))?.tier).toBe('exact');
    expect(classify({ fold: 'home', kind: 'alias', externalId: 'tel+number:+441234567890' }, q('+44 1234'))?.tier).toBe('prefix');
    expect(classify({ fold: 'carl 441234', kind: 'display' }, q('+44 1234 567890'))).toBeNull();
  });
});
