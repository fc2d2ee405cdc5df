import { describe, expect, it } from 'vitest';
import { fts5Query, searchTerms, tsQuery } from './search-terms.js';

describe('search terms', () => {
  it('keeps words only, lower-cased, without repeats', () => {
    expect(searchTerms('Allocator, allocator! Slides?')).toEqual(['allocator', 'slides']);
    expect(searchTerms('  \t ')).toEqual([]);
    expect(searchTerms('café Ünïcode 42')).toEqual(['café', 'ünïcode', '42']);
  });

  it('never lets FTS5 or tsquery syntax through', () => {
    for (const hostile of ['"', 'a" OR "b', 'NEAR(a b)', 'col:a', 'a*', '-a', '^a', 'a & !b | c', "a:* & b'", '(a)']) {
      const f = fts5Query(hostile);
      if (f !== null) expect(f).toMatch(/^("[\p{L}\p{N}\p{M}]+"\* ?)+$/u);
      const t = tsQuery(hostile);
      if (t !== null) expect(t).toMatch(/^[\p{L}\p{N}]+:\*( & [\p{L}\p{N}]+:\*)*$/u);
    }
    expect(fts5Query('a" OR "b')).toBe('"a"* "or"* "b"*');
    expect(tsQuery('a & !b')).toBe('a:* & b:*');
  });

  it('answers an empty search with null', () => {
    expect(fts5Query('"*"')).toBeNull();
    expect(tsQuery('!!!')).toBeNull();
  });
});
