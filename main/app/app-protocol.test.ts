import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { appProtocolHandler, APP_SCHEME_PRIVILEGES, registerAppProtocol } from './app-protocol.js';
import { APP_CSP } from './policy/csp.js';

const parent = mkdtempSync(path.join(tmpdir(), 'skrode-proto-'));
const root = path.join(parent, 'renderer');
mkdirSync(path.join(root, 'assets'), { recursive: true });
writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Skrode</title>');
writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
writeFileSync(path.join(parent, 'secret.txt'), 'outside the renderer');

const handler = appProtocolHandler(root);
const get = (url: string, method = 'GET') => handler(new Request(url, { method }));

describe('app:// protocol', () => {
  it('serves the renderer with its content type and the CSP header', async () => {
    const res = await get('app://skrode/index.html#/popup');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>Skrode</title>');
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const js = await get('app://skrode/assets/app.js');
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('serves / as the index', async () => {
    expect(await (await get('app://skrode/')).text()).toContain('Skrode');
  });

  it.each(['app://skrode/../secret.txt', 'app://skrode/%2e%2e/secret.txt', 'app://skrode/..%2fsecret.txt', 'app://skrode/assets/..%5c..%5csecret.txt', 'app://other/index.html', 'app://skrode/missing.js', 'app://skrode/assets'])('answers 404 to %s, never a file outside', async (u) => {
    const res = await get(u);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('outside the renderer');
    expect(res.headers.get('content-security-policy')).toBe(APP_CSP);
  });

  it('refuses methods other than GET and HEAD', async () => {
    const res = await handler(new Request('app://skrode/index.html', { method: 'POST', body: 'x' }));
    expect(res.status).toBe(405);
    const head = await get('app://skrode/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('registers under the app scheme, privileged as standard and secure but without CSP bypass', () => {
    const calls: string[] = [];
    registerAppProtocol({ handle: (scheme) => calls.push(scheme) }, root);
    expect(calls).toEqual(['app']);
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true, bypassCSP: false });
  });
});
