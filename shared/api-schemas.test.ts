import { describe, expect, it } from 'vitest';
import { API_METHODS, channelOf, isApiMethod } from './api.js';
import { ApiArgsError, apiSchemas, parseApiArgs } from './api-schemas.js';

describe('the SkrodeApi argument schemas', () => {
  it('cover exactly the contract methods, each on its own channel', () => {
    expect(Object.keys(apiSchemas).sort()).toEqual([...API_METHODS].sort());
    expect(new Set(API_METHODS.map(channelOf)).size).toBe(API_METHODS.length);
  });

  it('recognise only contract method names', () => {
    for (const m of API_METHODS) expect(isApiMethod(m)).toBe(true);
    for (const m of ['close', 'constructor', '__proto__', 'toString', '', 42, null]) expect(isApiMethod(m)).toBe(false);
  });

  it('accept good arguments and refuse extra keys, wrong types and oversized values', () => {
    expect(parseApiArgs('lookup', { query: 'mira', limit: 5 })).toEqual({ query: 'mira', limit: 5 });
    expect(parseApiArgs('status', undefined)).toBeUndefined();
    const bad: [Parameters<typeof parseApiArgs>[0], unknown][] = [
      ['lookup', { query: 'a', limit: 0 }],
      ['lookup', { query: 'a', limit: 1.5 }],
      ['lookup', { query: 'a', __proto__: { x: 1 }, y: 2 }],
      ['person', { id: '' }],
      ['person', 'id'],
      ['searchPosts', { text: 'a', from: 'last week' }],
      ['saveNote', { human: 'h', text: 'x'.repeat(100_001) }],
      ['deleteNote', { noteId: -1 }],
      ['exportVcard', { id: 'x', version: 2 }],
      ['setIngestPaused', { paused: 'yes' }],
      ['startImport', { path: '' }],
      ['saveSettings', { hotkey: 'Ctrl+Shift+K; rm -rf /' }],
      ['settings', { anything: true }],
      ['saveSource', { key: '../etc', tag: 'skrode/feeds', values: {}, create: true }],
      ['saveSource', { key: 'blogs', tag: 'skrode/feeds', values: { feeds: [1] }, create: true }],
      ['saveSource', { key: 'blogs', tag: 'skrode/feeds', values: { password: { env: 'lower' } }, create: true }],
      ['saveSource', { key: 'blogs', tag: 'skrode/feeds', values: { x: { keep: false } }, create: true }],
      ['saveSource', { key: 'blogs', tag: 'skrode/feeds', values: { 'a b': 1 }, create: true }],
      ['saveSource', { key: 'blogs', tag: 'skrode/feeds', values: {} }],
      ['removeSource', { key: 'blogs' }],
      ['saveSecret', { name: 'SKRODE_X', value: '' }],
      ['saveSecret', { name: 'skrode_x', value: 'v' }],
      ['deleteSecret', { name: 'SKRODE X' }],
    ];
    for (const [m, args] of bad) expect(() => parseApiArgs(m, args), `${m} ${JSON.stringify(args)}`).toThrow(ApiArgsError);
    expect(parseApiArgs('saveSource', { key: 'blogs', tag: 'skrode/feeds', values: { feeds: ['https://a.example/f'], every: 300, password: { env: 'SKRODE_P' }, token: { keep: true }, interval: null }, create: true })).toMatchObject({ key: 'blogs' });
  });

  it('never put a secret value into their messages', () => {
    for (const value of ['x'.repeat(16_385) + 'hunter2', 42]) {
      let message = '';
      try {
        parseApiArgs('saveSecret', { name: 'SKRODE_X', value });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^saveSecret: bad arguments: value: /);
      expect(message).not.toContain('hunter2');
      expect(message).not.toContain('42');
    }
  });
});
