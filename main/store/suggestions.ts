// What both adapters share for suggestions (shared/suggestions.ts): checking sightings that
// arrive from an import (hostile input like everything imported) and merging their names.
import { SUGGESTION_STATES, type SuggestionState } from '../../shared/suggestions.js';
import { StoreError, type SuggestionSighting } from './port.js';

const MAX_ADDRESS = 320;
const MAX_NAME = 200;
const MAX_MESSAGE = 1000;
const MAX_SOURCE = 1000;
/** Names kept per suggestion: enough to recognise someone, bounded for a hostile mailbox. */
export const MAX_SUGGESTION_NAMES = 20;
export const DEFAULT_SUGGESTION_LIMIT = 200;

function bad(i: number, why: string): never {
  throw new StoreError(`suggestion sighting ${i}: ${why}`, 'invalid');
}

/** A sighting's time in milliseconds, or null; throws StoreError naming the sighting when malformed. */
export function checkSightings(list: readonly SuggestionSighting[]): (number | null)[] {
  if (!Array.isArray(list)) throw new StoreError('suggestion sightings must be a list', 'invalid');
  return list.map((s, i) => {
    if (typeof s !== 'object' || s === null) bad(i, 'not an object');
    if (typeof s.address !== 'string' || !s.address || s.address.length > MAX_ADDRESS || s.address !== s.address.trim().toLowerCase() || !s.address.includes('@')) {
      bad(i, `address must be a lower-case email address of at most ${MAX_ADDRESS} characters`);
    }
    if (typeof s.message !== 'string' || !s.message || s.message.length > MAX_MESSAGE) bad(i, `message must be a post external id of at most ${MAX_MESSAGE} characters`);
    if (typeof s.source !== 'string' || !s.source || s.source.length > MAX_SOURCE) bad(i, `source must be a string of at most ${MAX_SOURCE} characters`);
    if (s.name !== undefined && (typeof s.name !== 'string' || !s.name.trim() || s.name.length > MAX_NAME)) bad(i, `name must be a non-empty string of at most ${MAX_NAME} characters`);
    if (s.at === undefined) return null;
    const t = typeof s.at === 'string' ? Date.parse(s.at) : NaN;
    if (!Number.isFinite(t)) bad(i, `at must be an ISO time, got ${JSON.stringify(String(s.at).slice(0, 40))}`);
    return t;
  });
}

/** The names with `name` added (if new and there is room). */
export function withName(names: string[], name: string | undefined): string[] {
  if (!name || names.includes(name) || names.length >= MAX_SUGGESTION_NAMES) return names;
  return [...names, name];
}

export function checkSuggestionState(state: unknown, allowPending: boolean): SuggestionState {
  if (typeof state !== 'string' || !(SUGGESTION_STATES as readonly string[]).includes(state) || (!allowPending && state === 'pending')) {
    throw new StoreError(`suggestion state must be one of ${SUGGESTION_STATES.filter((s) => allowPending || s !== 'pending').join(', ')}`, 'invalid');
  }
  return state as SuggestionState;
}

export function checkLimit(limit: unknown): number {
  if (limit === undefined) return DEFAULT_SUGGESTION_LIMIT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new StoreError('suggestion limit must be an integer from 1 to 10000', 'invalid');
  return limit;
}

/** The account external id an accepted suggestion becomes (and whose existence ends a pending one). */
export function suggestionAccountId(address: string): string {
  return `email+addr:${address}`;
}
