// `skrode serve` guards, each tried from outside with raw HTTP requests against a real server
// over the demo store: Host check, token (URL → cookie, header), Origin, method, content type,
// body size, static path confinement, security headers, and no CORS headers ever.
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDemoApi } from '../api/testing.js';
import type { OpenedApi } from '../api/open.js';
import { CSP } from './guards.js';
import { MAX_BODY_BYTES, startServer, type RunningServer } from './server.js';

let dir: string;
let opened: OpenedApi;
let server: RunningServer;
let host: string;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, method: opts.method ?? 'GET', path: opts.path, headers: { host, ...opts.headers }, setHost: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

const cookie = () => `skrode_token=${server.token}`;
const api = (method: string, args: unknown, headers: Record<string, string> = {}) =>
  request({ method: 'POST', path: `/api/${method}`, headers: { cookie: cookie(), 'content-type': 'application/json', ...headers }, body: args === undefined ? '' : JSON.stringify(args) });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skrode-serve-'));
  opened = await openDemoApi(dir);
  const renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Skrode</title><script type="module" src="/assets/app.js"></script>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log("hi")');
  writeFileSync(join(renderer, '.secret'), 'dotfile');
  writeFileSync(join(dir, 'outside.txt'), 'outside the renderer');
  server = await startServer({ api: opened.api, rendererDir: renderer, port: 0 });
  host = `127.0.0.1:${server.port}`;
});

afterAll(async () => {
  await server?.close();
  await opened?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('listening', () => {
  it('binds to loopback only and prints a URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(43);
  });
});

describe('Host header (DNS rebinding)', () => {
  it('accepts 127.0.0.1:PORT and localhost:PORT', async () => {
    expect((await request({ path: '/', headers: { cookie: cookie() } })).status).toBe(200);
    expect((await request({ path: '/', headers: { host: `localhost:${server.port}`, cookie: cookie() } })).status).toBe(200);
  });

  it('refuses any other name or port, even with the right token', async () => {
    for (const h of ['evil.example', `evil.example:${server.port}`, '127.0.0.1', `127.0.0.1:${server.port + 1}`, `[::1]:${server.port}`, `LOCALHOST.:${server.port}`, '']) {
      const r = await request({ path: '/', headers: { host: h, cookie: cookie() } });
      expect(r.status, h).toBe(421);
      const a = await api('lookup', { query: 'mira' }, { host: h });
      expect(a.status, h).toBe(421);
      expect(a.body).not.toContain('Mira');
    }
  });
});

describe('token', () => {
  it('refuses pages and API calls without it or with a wrong one', async () => {
    expect((await request({ path: '/' })).status).toBe(401);
    expect((await request({ path: '/assets/app.js' })).status).toBe(401);
    expect((await request({ path: '/', headers: { cookie: 'skrode_token=wrong' } })).status).toBe(401);
    expect((await request({ path: '/?token=wrong' })).status).toBe(401);
    const r = await api('lookup', { query: 'mira' }, { cookie: `skrode_token=${server.token.slice(0, -1)}x` });
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false });
  });

  it('swaps the URL token for an HttpOnly SameSite=Strict cookie and redirects to /', async () => {
    const r = await request({ path: `/?token=${server.token}` });
    expect(r.status).toBe(303);
    expect(r.headers.location).toBe('/');
    expect(r.headers['set-cookie']?.[0]).toBe(`skrode_token=${server.token}; Path=/; HttpOnly; SameSite=Strict`);
  });

  it('never redirects elsewhere (no open redirect)', async () => {
    const r = await request({ path: `//evil.example/?token=${server.token}` });
    expect(r.headers.location ?? '/').toBe('/');
  });

  it('accepts the token in a header', async () => {
    const r = await request({ method: 'POST', path: '/api/settings', headers: { 'x-skrode-token': server.token, 'content-type': 'application/json' } });
    expect(r.status).toBe(200);
  });
});

describe('API calls', () => {
  it('answers a lookup', async () => {
    const r = await api('lookup', { query: 'mira' });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(r.body) as { ok: boolean; value: unknown[] };
    expect(body.ok).toBe(true);
    expect(JSON.stringify(body.value)).toContain('twitter+user:1048576001');
  });

  it('lists the source kinds and refuses to keep a secret (no keychain under serve), never echoing it', async () => {
    const types = JSON.parse((await api('sourceTypes', undefined)).body) as { ok: boolean; value: { tag: string }[] };
    expect(types.value.map((t) => t.tag)).toContain('skrode/feeds');
    const r = await api('saveSecret', { name: 'SKRODE_MAIL_PASSWORD', value: 'hunter2-secret' });
    expect(r.status).toBe(503);
    expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { kind: 'unavailable', message: expect.stringMatching(/no keychain/) } });
    expect(r.body).not.toContain('hunter2');
    expect(JSON.parse((await api('secrets', undefined)).body)).toMatchObject({ ok: true, value: { canStore: false } });
  });

  it('refuses other HTTP methods, content types, query strings and bad JSON', async () => {
    expect((await request({ path: '/api/lookup', headers: { cookie: cookie() } })).status).toBe(405);
    expect((await request({ method: 'PUT', path: '/api/lookup', headers: { cookie: cookie(), 'content-type': 'application/json' }, body: '{}' })).status).toBe(405);
    // A cross-site <form> can only send these types; all refused.
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
      const r = await request({ method: 'POST', path: '/api/lookup', headers: { cookie: cookie(), 'content-type': type }, body: '{"query":"mira"}' });
      expect(r.status, type).toBe(415);
    }
    expect((await request({ method: 'POST', path: '/api/lookup?x=1', headers: { cookie: cookie(), 'content-type': 'application/json' }, body: '{"query":"a"}' })).status).toBe(400);
    expect((await request({ method: 'POST', path: '/api/lookup', headers: { cookie: cookie(), 'content-type': 'application/json' }, body: '{"query":' })).status).toBe(400);
  });

  it('refuses another Origin', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${server.port + 1}`, 'null', `https://127.0.0.1:${server.port}`]) {
      expect((await api('lookup', { query: 'mira' }, { origin })).status, origin).toBe(403);
    }
    expect((await api('lookup', { query: 'mira' }, { origin: `http://127.0.0.1:${server.port}` })).status).toBe(200);
  });

  it('refuses unknown methods and bad arguments with a JSON error', async () => {
    const unknown = await api('constructor', {});
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    const bad = await api('lookup', { query: 'a', extra: true });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });

  it('refuses a body over the limit', async () => {
    const r = await request({ method: 'POST', path: '/api/lookup', headers: { cookie: cookie(), 'content-type': 'application/json' }, body: Buffer.alloc(MAX_BODY_BYTES + 10, 0x20) });
    expect(r.status).toBe(413);
  });

  it('never sends CORS headers, even when asked', async () => {
    const replies = [
      await api('lookup', { query: 'mira' }, { origin: 'http://evil.example' }),
      await api('lookup', { query: 'mira' }),
      await request({ method: 'OPTIONS', path: '/api/lookup', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST', cookie: cookie() } }),
    ];
    for (const r of replies) for (const h of Object.keys(r.headers)) expect(h.startsWith('access-control-')).toBe(false);
  });
});

describe('static files', () => {
  it('serves the renderer with a strict CSP and security headers', async () => {
    const r = await request({ path: '/', headers: { cookie: cookie() } });
    expect(r.body).toContain('<title>Skrode</title>');
    expect(r.headers['content-security-policy']).toBe(CSP);
    expect(CSP).toContain("script-src 'self'");
    expect(CSP).not.toContain('unsafe');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['x-frame-options']).toBe('DENY');
    const js = await request({ path: '/assets/app.js', headers: { cookie: cookie() } });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('refuses paths that leave the renderer folder, dot files and unknown files', async () => {
    for (const p of ['/../outside.txt', '/%2e%2e/outside.txt', '/assets/..%2f..%2foutside.txt', '/..%5coutside.txt', '/.secret', '/%00index.html', '/nope.js', '/assets', '/%E0%A4%A']) {
      const r = await request({ path: p, headers: { cookie: cookie() } });
      expect([400, 404], p).toContain(r.status);
      expect(r.body).not.toContain('outside the renderer');
      expect(r.body).not.toContain('dotfile');
    }
  });

  it('refuses writes to pages', async () => {
    expect((await request({ method: 'POST', path: '/', headers: { cookie: cookie() }, body: 'x' })).status).toBe(405);
  });
});
