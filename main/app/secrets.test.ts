import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretStore, type SafeStorageLike } from './secrets.js';

/** A safeStorage stand-in with a real (keyed XOR) transform, so a changed key fails to decrypt. */
function fakeSafeStorage(o: { key?: number; available?: boolean; backend?: string } = {}): SafeStorageLike & { key: number } {
  const s = {
    key: o.key ?? 0x5a,
    isEncryptionAvailable: () => o.available ?? true,
    getSelectedStorageBackend: () => o.backend ?? 'gnome_libsecret',
    encryptString: (p: string) => Buffer.from([s.key, ...Buffer.from(p, 'utf8').map((b) => b ^ s.key)]),
    decryptString: (b: Buffer) => {
      if (b[0] !== s.key) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return Buffer.from(b.subarray(1).map((x) => x ^ s.key)).toString('utf8');
    },
  };
  return s;
}

const fileIn = () => path.join(mkdtempSync(path.join(tmpdir(), 'skrode-secrets-')), 'secrets.json');

describe('SecretStore', () => {
  it('stores only ciphertext, in a private file, and reads it back', () => {
    const file = fileIn();
    const store = new SecretStore({ safeStorage: fakeSafeStorage(), file, platform: 'linux' });
    store.set('SKRODE_TWITTER_BEARER_TOKEN', 'AAAA-very-secret');
    expect(readFileSync(file, 'utf8')).not.toContain('very-secret');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(store.get('SKRODE_TWITTER_BEARER_TOKEN')).toEqual({ state: 'ok', value: 'AAAA-very-secret' });
    expect(store.get('OTHER')).toEqual({ state: 'missing' });
    expect(store.names()).toEqual(['SKRODE_TWITTER_BEARER_TOKEN']);
    store.delete('SKRODE_TWITTER_BEARER_TOKEN');
    expect(store.names()).toEqual([]);
  });

  it("refuses, with a clear message, when Linux offers only basic_text", () => {
    const file = fileIn();
    const store = new SecretStore({ safeStorage: fakeSafeStorage({ backend: 'basic_text' }), file, platform: 'linux' });
    expect(store.canStore()).toMatchObject({ ok: false, reason: expect.stringMatching(/no keyring.*plain text/) });
    expect(() => store.set('TOKEN', 'x')).toThrow(/cannot store the token for TOKEN: no keyring/);
    expect(store.names()).toEqual([]);
  });

  it('stores with basic_text when the user opted in, and only then', () => {
    const store = new SecretStore({ safeStorage: fakeSafeStorage({ backend: 'basic_text' }), file: fileIn(), platform: 'linux', allowPlainText: true });
    store.set('TOKEN', 'x');
    expect(store.get('TOKEN')).toEqual({ state: 'ok', value: 'x' });
  });

  it('basic_text is a Linux matter: other platforms use their keychain', () => {
    const store = new SecretStore({ safeStorage: fakeSafeStorage({ backend: 'basic_text' }), file: fileIn(), platform: 'darwin' });
    expect(store.canStore()).toEqual({ ok: true });
  });

  it('refuses when no encryption is available at all', () => {
    const store = new SecretStore({ safeStorage: fakeSafeStorage({ available: false }), file: fileIn(), platform: 'win32' });
    expect(store.canStore()).toMatchObject({ ok: false, reason: expect.stringMatching(/environment/) });
  });

  it('a keyring change means re-entry, never a crash', () => {
    const file = fileIn();
    const ss = fakeSafeStorage();
    const store = new SecretStore({ safeStorage: ss, file, platform: 'linux' });
    store.set('A_TOKEN', 'one');
    store.set('B_TOKEN', 'two');
    ss.key = 0x33; // a new login keyring
    store.set('B_TOKEN', 'two again');
    expect(store.get('A_TOKEN')).toMatchObject({ state: 'needs-reentry', reason: expect.stringMatching(/can no longer be decrypted/) });
    expect(store.loadAll()).toEqual({ values: { B_TOKEN: 'two again' }, reentry: [{ name: 'A_TOKEN', reason: expect.any(String) }] });
  });

  it('a damaged file reads as empty', () => {
    const file = fileIn();
    writeFileSync(file, '{"secrets": {"OK_NAME": "!!not base64!!", "bad name": "AAAA"}, ');
    const store = new SecretStore({ safeStorage: fakeSafeStorage(), file, platform: 'linux' });
    expect(store.names()).toEqual([]);
    writeFileSync(file, JSON.stringify({ secrets: { OK_NAME: 'AAAA', 'lower-case': 'AAAA' } }));
    expect(store.names()).toEqual(['OK_NAME']);
    expect(store.get('OK_NAME').state).toBe('needs-reentry');
  });

  it('checks names and values', () => {
    const store = new SecretStore({ safeStorage: fakeSafeStorage(), file: fileIn(), platform: 'linux' });
    expect(() => store.set('lower', 'x')).toThrow(/upper case/);
    expect(() => store.set('OK', '')).toThrow(/1 to/);
  });
});
