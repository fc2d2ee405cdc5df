// uuidV7: RFC 9562 layout, and ids that sort in the order they were made (the point of using them).
import { describe, expect, it } from 'vitest';
import { uuidV7 } from './uuid-v7.js';

const SHAPE = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV7', () => {
  it('has the version 7 layout, with the time in its first 48 bits', () => {
    const t = Date.UTC(2026, 10, 29, 12, 0, 0, 123);
    const id = uuidV7(t);
    expect(id).toMatch(SHAPE);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(t);
  });

  it('increases strictly, within one millisecond and past 4096 ids in it', () => {
    const t = Date.UTC(2030, 0, 1);
    const ids = Array.from({ length: 10_000 }, () => uuidV7(t));
    for (const id of ids) expect(id).toMatch(SHAPE);
    const sorted = [...ids].sort();
    expect(sorted).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never goes back when the clock does', () => {
    const a = uuidV7(Date.UTC(2031, 0, 1));
    const b = uuidV7(Date.UTC(2020, 0, 1));
    expect(b > a).toBe(true);
  });
});
