import { describe, expect, it } from 'vitest';
import { API_METHODS, channelOf } from '../shared/api.js';
import { ipcApi, SkrodeApiError } from './api.js';

describe('ipcApi', () => {
  it('has exactly the methods of the contract, and is frozen', () => {
    const api = ipcApi(async () => ({ ok: true, value: null }));
    expect(Object.keys(api).sort()).toEqual([...API_METHODS].sort());
    expect(Object.isFrozen(api)).toBe(true);
    for (const m of API_METHODS) expect(typeof api[m]).toBe('function');
  });

  it('invokes the method channel with the one argument and unwraps the value', async () => {
    const calls: unknown[][] = [];
    const api = ipcApi(async (...a) => {
      calls.push(a);
      return { ok: true, value: ['hit'] };
    });
    expect(await api.lookup({ query: 'mi' })).toEqual(['hit']);
    await api.status();
    expect(calls).toEqual([[channelOf('lookup'), { query: 'mi' }], [channelOf('status')]]);
  });

  it('rejects with the error the main process sent', async () => {
    const api = ipcApi(async () => ({ ok: false, error: { kind: 'not-found', message: 'no person h:1' } }));
    const e = await api.person({ id: 'h:1' }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SkrodeApiError);
    expect(e).toMatchObject({ kind: 'not-found', message: 'no person h:1' });
  });

  it('rejects answers that are not the envelope', async () => {
    for (const bad of [undefined, null, 'x', { value: 1 }, { ok: false }]) {
      const api = ipcApi(async () => bad);
      await expect(api.settings()).rejects.toMatchObject({ kind: 'internal' });
    }
  });
});
