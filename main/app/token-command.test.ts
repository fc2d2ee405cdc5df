import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SecretStore, type SafeStorageLike } from './secrets.js';
import { exportTokens, runTokenCommand, tokenRequest } from './token-command.js';

const xor: SafeStorageLike = {
  isEncryptionAvailable: () => true,
  getSelectedStorageBackend: () => 'gnome_libsecret',
  encryptString: (p) => Buffer.from(Buffer.from(p).map((b) => b ^ 0x42)),
  decryptString: (b) => Buffer.from(b.map((x) => x ^ 0x42)).toString(),
};

function setup(safeStorage: SafeStorageLike = xor) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'skrode-token-')), 'secrets.json');
  const secrets = new SecretStore({ safeStorage, file, platform: 'linux' });
  const out: string[] = [];
  const err: string[] = [];
  const io = (stdin: string) => ({ readStdin: async () => stdin, out: (l: string) => out.push(l), err: (l: string) => err.push(l) });
  return { file, secrets, out, err, io };
}

describe('tokenRequest', () => {
  it('reads --set-token / --forget-token NAME', () => {
    expect(tokenRequest(['app', '--set-token', 'X_TOKEN'])).toEqual({ op: 'set', name: 'X_TOKEN' });
    expect(tokenRequest(['app', '--forget-token', 'X_TOKEN'])).toEqual({ op: 'forget', name: 'X_TOKEN' });
    expect(tokenRequest(['app', '--set-token'])).toMatchObject({ op: 'invalid' });
    expect(tokenRequest(['app', '--set-token', '--lookup'])).toMatchObject({ op: 'invalid' });
    expect(tokenRequest(['app', '--lookup'])).toBeNull();
  });
});

describe('runTokenCommand', () => {
  it('stores the value from stdin, encrypted, and forgets it', async () => {
    const t = setup();
    expect(await runTokenCommand({ op: 'set', name: 'X_TOKEN' }, t.secrets, t.io('s3cret-value\n'))).toBe(0);
    expect(readFileSync(t.file, 'utf8')).not.toContain('s3cret-value');
    expect(t.secrets.get('X_TOKEN')).toEqual({ state: 'ok', value: 's3cret-value' });
    expect(t.out.join('\n')).toMatch(/stored the token X_TOKEN/);
    expect(await runTokenCommand({ op: 'forget', name: 'X_TOKEN' }, t.secrets, t.io(''))).toBe(0);
    expect(t.secrets.names()).toEqual([]);
  });

  it('refuses basic_text with the reason, before reading anything', async () => {
    const t = setup({ ...xor, getSelectedStorageBackend: () => 'basic_text' });
    let read = false;
    const code = await runTokenCommand({ op: 'set', name: 'X_TOKEN' }, t.secrets, { ...t.io('v'), readStdin: async () => ((read = true), 'v') });
    expect(code).toBe(2);
    expect(read).toBe(false);
    expect(t.err.join('\n')).toMatch(/no keyring.*plain text/);
  });

  it('refuses bad names and multi-line input', async () => {
    const t = setup();
    expect(await runTokenCommand({ op: 'set', name: 'lower' }, t.secrets, t.io('v'))).toBe(2);
    expect(await runTokenCommand({ op: 'set', name: 'X_TOKEN' }, t.secrets, t.io('a\nb\n'))).toBe(2);
    expect(await runTokenCommand({ op: 'invalid', reason: 'needs a name' }, t.secrets, t.io(''))).toBe(2);
    expect(t.err).toHaveLength(3);
  });
});

describe('exportTokens', () => {
  it('keeps the real environment and refreshes what it set itself', () => {
    const env: Record<string, string | undefined> = { USER_SET: 'from-env' };
    const ours = new Set<string>();
    exportTokens({ USER_SET: 'stored', A_TOKEN: 'one' }, env, ours);
    expect(env).toEqual({ USER_SET: 'from-env', A_TOKEN: 'one' });
    exportTokens({ A_TOKEN: 'two' }, env, ours);
    expect(env.A_TOKEN).toBe('two');
  });

  it('removes a token it set once the token is deleted, never one from the real environment', () => {
    const env: Record<string, string | undefined> = { USER_SET: 'from-env' };
    const ours = new Set<string>();
    exportTokens({ A_TOKEN: 'one', USER_SET: 'stored' }, env, ours);
    exportTokens({}, env, ours);
    expect(env).toEqual({ USER_SET: 'from-env' });
    expect([...ours]).toEqual([]);
  });
});
