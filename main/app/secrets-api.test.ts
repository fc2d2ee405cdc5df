// The desktop app's secrets through the SkrodeApi: stored with the keychain (SecretStore over a
// safeStorage stand-in, Electron being outside this test), listed by name and state only,
// refused on Linux's basic_text fallback, and every change tells the app to reload its tokens.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSkrodeApi } from '../api/create.js';
import { dispatch } from '../api/dispatch.js';
import { ConfigSources } from '../api/sources.js';
import { SecretStore, type SafeStorageLike } from './secrets.js';

function safeStorage(backend = 'gnome_libsecret'): SafeStorageLike {
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (p) => Buffer.from(Buffer.from(p, 'utf8').map((b) => b ^ 0x5a)),
    decryptString: (b) => Buffer.from(b.map((x) => x ^ 0x5a)).toString('utf8'),
  };
}

function setup(backend?: string) {
  const dir = mkdtempSync(path.join(tmpdir(), 'skrode-app-secrets-'));
  const file = path.join(dir, 'secrets.json');
  const config = path.join(dir, 'config.yml');
  writeFileSync(config, 'mail: !skrode/imap {host: imap.example.org, user: me, password: !skrode/env SKRODE_MAIL_PASSWORD}\n');
  const keeper = new SecretStore({ safeStorage: safeStorage(backend), file, platform: 'linux' });
  const changes: string[] = [];
  const api = createSkrodeApi({
    store: {} as never,
    lookup: {} as never,
    posts: {} as never,
    storeInfo: { kind: 'sqlite', path: '/x.db' },
    host: 'electron',
    sources: new ConfigSources({ config, cwd: dir, dataDir: dir }),
    secrets: keeper,
    onSecretsChanged: () => changes.push('changed'),
    env: {},
  });
  return { api, file, changes, keeper };
}

describe('secrets in the desktop app', () => {
  it('stores a secret in the keychain, lists it by name only, and deletes it', async () => {
    const { api, file, changes, keeper } = setup();
    expect(await api.secrets()).toEqual({ canStore: true, reason: null, secrets: [{ name: 'SKRODE_MAIL_PASSWORD', state: 'missing' }] });
    expect(await dispatch(api, 'saveSecret', { name: 'SKRODE_MAIL_PASSWORD', value: 'hunter2-secret' })).toEqual({ ok: true, value: null });
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    expect(keeper.get('SKRODE_MAIL_PASSWORD')).toEqual({ state: 'ok', value: 'hunter2-secret' });
    const listed = await api.secrets();
    expect(listed.secrets).toEqual([{ name: 'SKRODE_MAIL_PASSWORD', state: 'stored' }]);
    expect(JSON.stringify(listed)).not.toContain('hunter2');
    expect(changes).toEqual(['changed']);
    await api.deleteSecret({ name: 'SKRODE_MAIL_PASSWORD' });
    expect(keeper.names()).toEqual([]);
    expect(changes).toEqual(['changed', 'changed']);
  });

  it("refuses on Linux's basic_text fallback, with the reason and without the value", async () => {
    const { api, keeper, changes } = setup('basic_text');
    expect(await api.secrets()).toMatchObject({ canStore: false, reason: expect.stringMatching(/no keyring/) });
    const r = await dispatch(api, 'saveSecret', { name: 'SKRODE_MAIL_PASSWORD', value: 'hunter2-secret' });
    expect(r).toMatchObject({ ok: false, error: { kind: 'unavailable', message: expect.stringMatching(/cannot store SKRODE_MAIL_PASSWORD: no keyring/) } });
    expect(JSON.stringify(r)).not.toContain('hunter2');
    expect(keeper.names()).toEqual([]);
    expect(changes).toEqual([]);
  });

  it('a keychain that throws something of its own is reported without its text', async () => {
    const failing = createSkrodeApi({
      store: {} as never,
      lookup: {} as never,
      posts: {} as never,
      storeInfo: { kind: 'sqlite', path: '/x.db' },
      host: 'electron',
      secrets: { canStore: () => ({ ok: true }), names: () => [], get: () => ({ state: 'missing' }), set: (_n, v) => {
        throw new Error(`could not encrypt ${v}`);
      }, delete: () => {} },
    });
    const r = await dispatch(failing, 'saveSecret', { name: 'SKRODE_X', value: 'hunter2-secret' });
    expect(r).toEqual({ ok: false, error: { kind: 'unavailable', message: 'cannot store SKRODE_X: the keychain refused it' } });
  });
});
