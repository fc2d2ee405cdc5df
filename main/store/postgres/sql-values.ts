// Small value conversions between observations and Postgres parameters.

import { instantToMs } from '../../model/validate.js';
import { StoreError } from '../port.js';

/**
 * Postgres text and jsonb cannot hold U+0000, which SQLite stores happily. A hostile or broken
 * source must not make a whole batch fail, so NULs become U+FFFD (the replacement character).
 */
export function pgText(s: string): string;
export function pgText(s: string | null | undefined): string | null;
export function pgText(s: string | null | undefined): string | null {
  if (s === null || s === undefined) return null;
  return s.includes('\u0000') ? s.replaceAll('\u0000', '\uFFFD') : s;
}

/** JSON text for a jsonb parameter, with NULs (raw or escaped) replaced as in pgText. */
export function pgJson(v: unknown): string | null {
  if (v === undefined) return null;
  const s = JSON.stringify(v);
  if (s === undefined) return null;
  return s.replaceAll('\\u0000', '\\ufffd');
}

/** Milliseconds since the epoch of an observation time; `fallback` when absent. */
export function msOf(iso: string | undefined, fallback: number, what: string): number {
  if (iso === undefined) return fallback;
  const ms = instantToMs(iso);
  if (Number.isNaN(ms)) throw new StoreError(`${what}: not an ISO-8601 time: ${JSON.stringify(iso.slice(0, 60))}`, 'invalid');
  return ms;
}

export function isoOrNull(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

/** A timestamptz from pg (a Date) as an ISO string, or null. */
export function isoOf(v: Date | string | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  return (v instanceof Date ? v : new Date(v)).toISOString();
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(s: string): boolean {
  return UUID.test(s);
}

/** Compare strings by code unit, the same everywhere (localeCompare depends on the locale). */
export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
