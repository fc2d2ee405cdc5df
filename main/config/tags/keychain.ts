// `!skrode/keychain {service, account}` (or `!skrode/keychain account`): a secret kept by the
// desktop app in the OS keychain. The desktop app installs a resolver; elsewhere (the CLI, a
// headless host) using one is a clear error that suggests `!skrode/env`.
import { object, optional, string } from '../fields.js';
import { registerTag } from '../registry.js';

export interface KeychainRef {
  service: string;
  account: string;
}

export type KeychainResolver = (ref: KeychainRef) => string | undefined;

let resolver: KeychainResolver | undefined;

/** The desktop app calls this at startup (it reads secrets through Electron's safeStorage). */
export function setKeychainResolver(fn: KeychainResolver | undefined): void {
  resolver = fn;
}

export const keychainShape = object({
  service: optional(string({ nonEmpty: true }), 'skrode'),
  account: string({ nonEmpty: true }),
});

export const keychainTag = registerTag({
  tag: 'skrode/keychain',
  kinds: ['scalar', 'map'],
  summary: 'service and account of a secret in the OS keychain',
  secretSource: true,
  fromScalar: (account) => ({ account: account.trim() }),
  shape: keychainShape,
  build(ref: KeychainRef, ctx): string {
    if (!resolver) throw ctx.error(`keychain secret ${ref.service}/${ref.account} can only be read by the desktop app; here, give it with !skrode/env NAME instead`);
    const value = resolver(ref);
    if (value === undefined || value === '') throw ctx.error(`no secret ${ref.service}/${ref.account} in the keychain`);
    return value;
  },
});

/** Every keychain secret a config refers to (for the desktop app to ask the user for missing ones). */
export function keychainRefs(config: { lazies(): { tag: string; raw: unknown }[] }): KeychainRef[] {
  const refs: KeychainRef[] = [];
  for (const lazy of config.lazies()) {
    if (lazy.tag !== 'skrode/keychain') continue;
    // Shapes were checked at load time.
    const raw = lazy.raw as string | { service?: unknown; account?: unknown };
    const ref = typeof raw === 'string' ? { service: 'skrode', account: raw.trim() } : { service: String(raw.service ?? 'skrode'), account: String(raw.account) };
    if (!refs.some((r) => r.service === ref.service && r.account === ref.account)) refs.push(ref);
  }
  return refs;
}
