import { describe, expect, it } from 'vitest';
import { API_METHODS } from '../../../shared/api.js';
import { ApiCallError, httpApi } from './http-client.js';

function fakeFetch(answer: (url: string, init: RequestInit) => { status: number; body: string }) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const a = answer(url, init);
    return new Response(a.body, { status: a.status, headers: { 'content-type': 'application/json' } });
  }) as unknown as typeof fetch;
  return { fn, calls };
}

describe('the HTTP SkrodeApi client', () => {
  it('has exactly the contract methods and is frozen', () => {
    const api = httpApi(fakeFetch(() => ({ status: 200, body: '{"ok":true,"value":null}' })).fn);
    expect(Object.keys(api).sort()).toEqual([...API_METHODS].sort());
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('POSTs JSON to ./api/<method> and unwraps the value', async () => {
    const f = fakeFetch(() => ({ status: 200, body: '{"ok":true,"value":[1,2]}' }));
    const api = httpApi(f.fn);
    expect(await api.lookup({ query: 'mira' })).toEqual([1, 2]);
    expect(f.calls[0]!.url).toBe('./api/lookup');
    expect(f.calls[0]!.init).toMatchObject({ method: 'POST', body: '{"query":"mira"}', credentials: 'same-origin' });
    await api.settings();
    expect(f.calls[1]!.init.body).toBe('');
  });

  it('throws the server error with its kind', async () => {
    const api = httpApi(fakeFetch(() => ({ status: 404, body: '{"ok":false,"error":{"kind":"not-found","message":"no person x"}}' })).fn);
    const e = await api.person({ id: 'x' }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ApiCallError);
    expect(e).toMatchObject({ kind: 'not-found', message: 'no person x' });
  });

  it('reports a non-JSON answer as an internal error', async () => {
    const api = httpApi(fakeFetch(() => ({ status: 502, body: '<html>bad gateway</html>' })).fn);
    await expect(api.settings()).rejects.toMatchObject({ kind: 'internal', message: 'the server answered HTTP 502' });
  });
});
