// Global external ids: `<service>+<kind>:<local id>`, e.g. `twitter+user:123`,
// `twitter+tweet:456`, `email+addr:ada@example.org`, `irc+user:libera/ada`.
// The service prefix makes them unique across services; the kind separates users from posts.

export interface ExternalId {
  service: string;
  kind: string;
  local: string;
}

const EXTERNAL_ID = /^([a-z][a-z0-9-]{0,31})\+([a-z][a-z0-9-]{0,31}):(.+)$/s;
const MAX_EXTERNAL_ID = 2048;

export class ExternalIdError extends Error {
  override name = 'ExternalIdError';
}

export function parseExternalId(id: string): ExternalId {
  if (typeof id !== 'string' || id.length === 0) throw new ExternalIdError('external id is empty');
  if (id.length > MAX_EXTERNAL_ID) throw new ExternalIdError(`external id longer than ${MAX_EXTERNAL_ID} characters`);
  const m = EXTERNAL_ID.exec(id);
  if (!m) throw new ExternalIdError(`not an external id (want service+kind:id): ${JSON.stringify(id.slice(0, 80))}`);
  if (/[\u0000-\u001f]/.test(m[3]!)) throw new ExternalIdError(`external id has control characters: ${JSON.stringify(id.slice(0, 80))}`);
  return { service: m[1]!, kind: m[2]!, local: m[3]! };
}

export function externalId(service: string, kind: string, local: string | number | bigint): string {
  const id = `${service}+${kind}:${String(local)}`;
  parseExternalId(id);
  return id;
}

export function serviceOf(id: string): string {
  return parseExternalId(id).service;
}

/** The pseudo-account that holds persona-level names (the original's `namesvc`). */
export function personaNamesAccount(personaId: string): string {
  return `namesvc+user:${personaId}`;
}
