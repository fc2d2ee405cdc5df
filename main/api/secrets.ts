// Secrets as the API sees them: names and states, never values. The desktop app keeps them with
// the OS keychain (main/app/secrets.ts, safeStorage) and hands them to the workers as environment
// variables, which is how config.yml refers to them (`!skrode/env NAME`). `skrode serve` has no
// keychain, and Skrode never keeps a secret in plain text, so there saving one is refused with
// what to do instead.

import type { SecretDto, SecretsDto } from '../../shared/api.js';
import { ApiError } from './errors.js';

/** The part of main/app's SecretStore the API uses (it lives there because it needs Electron). */
export interface SecretKeeper {
  canStore(): { ok: true } | { ok: false; reason: string };
  names(): string[];
  get(name: string): { state: 'ok'; value: string } | { state: 'missing' } | { state: 'needs-reentry'; reason: string };
  set(name: string, value: string): void;
  delete(name: string): void;
}

export const NO_KEYCHAIN_REASON =
  'skrode serve has no keychain, and Skrode never stores a secret in plain text: set it as an environment variable of the process that runs the sources instead (e.g. NAME=value skrode topology run)';

export function secretsDto(keeper: SecretKeeper | undefined, referenced: readonly string[], env: Readonly<Record<string, string | undefined>>): SecretsDto {
  const can = keeper ? keeper.canStore() : { ok: false as const, reason: NO_KEYCHAIN_REASON };
  const names = new Set([...(keeper?.names() ?? []), ...referenced]);
  const secrets: SecretDto[] = [...names].sort().map((name) => {
    const kept = keeper?.get(name);
    if (kept?.state === 'ok') return { name, state: 'stored' };
    if (kept?.state === 'needs-reentry') return { name, state: 'needs-reentry' };
    return { name, state: env[name] !== undefined && env[name] !== '' ? 'environment' : 'missing' };
  });
  return { canStore: can.ok, reason: can.ok ? null : can.reason, secrets };
}

/** Store a secret; every error names the secret and the reason, never its value. */
export function saveSecret(keeper: SecretKeeper | undefined, name: string, value: string): void {
  if (!keeper) throw new ApiError(NO_KEYCHAIN_REASON.replace('NAME', name), 'unavailable');
  const can = keeper.canStore();
  if (!can.ok) throw new ApiError(`cannot store ${name}: ${can.reason}`, 'unavailable');
  try {
    keeper.set(name, value);
  } catch (e) {
    // The keeper's own messages never carry the value, but a foreign error might: say only why.
    const own = e instanceof Error && e.name === 'SecretStoreError' && !e.message.includes(value);
    throw new ApiError(own ? (e as Error).message : `cannot store ${name}: the keychain refused it`, 'unavailable');
  }
}

export function deleteSecret(keeper: SecretKeeper | undefined, name: string): void {
  if (!keeper) throw new ApiError(`skrode serve keeps no secrets: ${name} can only be unset in the environment it was set in`, 'unavailable');
  keeper.delete(name);
}
