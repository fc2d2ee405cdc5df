// Source tokens kept with Electron's safeStorage (the OS keychain's key: Keychain on macOS, DPAPI
// on Windows, libsecret/kwallet on Linux), in `secrets.json` in the data folder: only ciphertext
// is written, the file is private to the user and replaced atomically.
//
// Two failure modes from Signal's history (STYLE §11.10) are handled here:
// - Linux without a keyring: safeStorage silently falls back to `basic_text`, a hard-coded key,
//   i.e. plain text in effect. Storing is then refused with a message saying so, unless the
//   user opted in (allowPlainText).
// - A keyring that changed (a new login keyring, a different password store) cannot decrypt what
//   was stored: that token is reported as `needs-reentry` (the app asks for it again); it never
//   throws and never takes the app down.

import { readFileSync } from 'node:fs';
import { writeFileAtomically } from '../util/atomic-write.js';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only. */
  getSelectedStorageBackend?(): string;
}

export type SecretRead = { state: 'ok'; value: string } | { state: 'missing' } | { state: 'needs-reentry'; reason: string };
export type CanStore = { ok: true } | { ok: false; reason: string };

export class SecretStoreError extends Error {
  override name = 'SecretStoreError';
}

interface SecretsFile {
  version: 1;
  secrets: Record<string, string>;
}

/** Names are environment-variable style: they stand for `!skrode/env NAME` in the config. */
export const SECRET_NAME = /^[A-Z][A-Z0-9_]{0,99}$/;
const MAX_SECRET_LENGTH = 16_384;

export interface SecretStoreOptions {
  safeStorage: SafeStorageLike;
  file: string;
  platform?: NodeJS.Platform;
  /** The user agreed to keep tokens with Linux's basic_text fallback (no real protection). */
  allowPlainText?: boolean;
}

export class SecretStore {
  private readonly platform: NodeJS.Platform;

  constructor(private readonly o: SecretStoreOptions) {
    this.platform = o.platform ?? process.platform;
  }

  /** Whether a new token may be stored, and if not, why in words the user can act on. */
  canStore(): CanStore {
    let available: boolean;
    try {
      available = this.o.safeStorage.isEncryptionAvailable();
    } catch {
      available = false;
    }
    if (!available) return { ok: false, reason: 'this system offers no encryption for stored tokens (no keychain is available); give the token through the environment instead (!skrode/env in the config)' };
    if (this.platform === 'linux') {
      const backend = this.backend();
      if (backend === 'basic_text' && !this.o.allowPlainText) {
        return {
          ok: false,
          reason:
            'no keyring (GNOME Keyring / KWallet) is running, so tokens would be stored with a fixed key, as good as plain text; start a keyring and restart Skrode, give the token through the environment, or allow plain-text storage in the settings',
        };
      }
    }
    return { ok: true };
  }

  private backend(): string {
    try {
      return this.o.safeStorage.getSelectedStorageBackend?.() ?? 'unknown';
    } catch {
      return 'unknown';
    }
  }

  names(): string[] {
    return Object.keys(this.read().secrets).sort();
  }

  set(name: string, value: string): void {
    if (!SECRET_NAME.test(name)) throw new SecretStoreError(`a token name is upper case letters, digits and _ (like SKRODE_TWITTER_BEARER_TOKEN), not ${JSON.stringify(name.slice(0, 40))}`);
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_SECRET_LENGTH) throw new SecretStoreError(`the token for ${name} must be 1 to ${MAX_SECRET_LENGTH} characters`);
    const can = this.canStore();
    if (!can.ok) throw new SecretStoreError(`cannot store the token for ${name}: ${can.reason}`);
    const f = this.read();
    f.secrets[name] = this.o.safeStorage.encryptString(value).toString('base64');
    this.write(f);
  }

  get(name: string): SecretRead {
    const stored = this.read().secrets[name];
    if (stored === undefined) return { state: 'missing' };
    try {
      if (!this.o.safeStorage.isEncryptionAvailable()) return { state: 'needs-reentry', reason: 'the keychain is not available now' };
      return { state: 'ok', value: this.o.safeStorage.decryptString(Buffer.from(stored, 'base64')) };
    } catch (e) {
      return { state: 'needs-reentry', reason: `the stored token can no longer be decrypted (the keyring may have changed): ${(e as Error).message}` };
    }
  }

  delete(name: string): void {
    const f = this.read();
    if (!(name in f.secrets)) return;
    delete f.secrets[name];
    this.write(f);
  }

  /**
   * Every stored token that decrypts, for the ingestion workers (`!skrode/env NAME` reads them
   * from the environment the worker threads inherit), and the names to ask the user for again.
   */
  loadAll(): { values: Record<string, string>; reentry: { name: string; reason: string }[] } {
    const values: Record<string, string> = {};
    const reentry: { name: string; reason: string }[] = [];
    for (const name of this.names()) {
      const r = this.get(name);
      if (r.state === 'ok') values[name] = r.value;
      else if (r.state === 'needs-reentry') reentry.push({ name, reason: r.reason });
    }
    return { values, reentry };
  }

  /** A missing or damaged file reads as empty: a token is then asked for again, never a crash. */
  private read(): SecretsFile {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.o.file, 'utf8'));
    } catch {
      return { version: 1, secrets: {} };
    }
    const secrets: Record<string, string> = {};
    const given = (raw as { secrets?: unknown } | null)?.secrets;
    if (given && typeof given === 'object') {
      for (const [k, v] of Object.entries(given)) if (SECRET_NAME.test(k) && typeof v === 'string' && /^[A-Za-z0-9+/=]*$/.test(v)) secrets[k] = v;
    }
    return { version: 1, secrets };
  }

  private write(f: SecretsFile): void {
    writeFileAtomically(this.o.file, `${JSON.stringify(f, null, 2)}\n`, { mode: 0o600 });
  }
}
