// `skrode-app --set-token NAME` (the value on stdin, never in argv where other users' `ps` sees
// it) and `skrode-app --forget-token NAME`: entering or removing a source token from a terminal.
// This is also the re-entry path when a stored token no longer decrypts. It runs in its own
// short-lived app process (safeStorage needs the app ready) and does not take the
// single-instance lock; the running app picks the token up the next time ingestion starts
// (resume from the tray, or restart).

import { SecretStoreError, type SecretStore } from './secrets.js';

export type TokenRequest = { op: 'set' | 'forget'; name: string } | { op: 'invalid'; reason: string };

export function tokenRequest(argv: unknown): TokenRequest | null {
  const args = Array.isArray(argv) ? argv.filter((a): a is string => typeof a === 'string') : [];
  for (const [flag, op] of [['--set-token', 'set'], ['--forget-token', 'forget']] as const) {
    const i = args.indexOf(flag);
    if (i < 0) continue;
    const name = args[i + 1];
    if (!name || name.startsWith('-')) return { op: 'invalid', reason: `${flag} needs a token name, e.g. ${flag} SKRODE_TWITTER_BEARER_TOKEN` };
    return { op, name };
  }
  return null;
}

/** Run the request; returns the process exit code (0 done, 2 refused or bad input). */
export async function runTokenCommand(request: TokenRequest, secrets: SecretStore, io: { readStdin(): Promise<string>; out(line: string): void; err(line: string): void }): Promise<number> {
  if (request.op === 'invalid') {
    io.err(request.reason);
    return 2;
  }
  try {
    if (request.op === 'forget') {
      secrets.delete(request.name);
      io.out(`removed the stored token ${request.name}`);
      return 0;
    }
    const can = secrets.canStore();
    if (!can.ok) {
      io.err(`cannot store the token for ${request.name}: ${can.reason}`);
      return 2;
    }
    // One value: the input without its final line break.
    const value = (await io.readStdin()).replace(/\r?\n$/, '');
    if (value.includes('\n')) {
      io.err('give the token as one line on standard input');
      return 2;
    }
    secrets.set(request.name, value);
    io.out(`stored the token ${request.name} (encrypted with the system keychain); Skrode uses it when ingestion next starts (resume it from the tray, or restart Skrode)`);
    return 0;
  } catch (e) {
    io.err(e instanceof SecretStoreError ? e.message : `cannot store the token: ${(e as Error).message}`);
    return 2;
  }
}

/** Put the stored tokens into the environment the workers inherit (`!skrode/env NAME`). Names
 *  the user set in the real environment are left alone; names set here earlier are refreshed,
 *  and removed once their token is no longer stored. */
export function exportTokens(values: Record<string, string>, env: Record<string, string | undefined>, ours: Set<string>): void {
  for (const name of [...ours]) {
    if (Object.hasOwn(values, name)) continue;
    delete env[name];
    ours.delete(name);
  }
  for (const [name, value] of Object.entries(values)) {
    if (env[name] !== undefined && !ours.has(name)) continue;
    env[name] = value;
    ours.add(name);
  }
}
