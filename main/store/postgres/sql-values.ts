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

/**
 * An escape JSON.stringify wrote for U+0000 or for a lone surrogate (it writes surrogate pairs
 * as they are, so every \\uD800-\\uDFFF escape is a lone one), not preceded by an escaped backslash.
 */
const JSON_BAD_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|d[89a-f][0-9a-f]{2})/gi;

/**
 * JSON text for a jsonb parameter. jsonb refuses U+0000 and lone surrogates (SQLite keeps them),
 * so they become U+FFFD rather than failing the whole batch.
 */
export function pgJson(v: unknown): string | null {
  if (v === undefined) return null;
  const s = JSON.stringify(v);
  if (s === undefined) return null;
  return s.replace(JSON_BAD_ESCAPE, '$1\\ufffd');
}

/** Milliseconds since the epoch of an observation time; `fallback` when absent. */
export function msOf(iso: string | undefined, fallback: number, what: string): number {
  if (iso === undefined) return fallback;
  const ms = instantToMs(iso);
  if (Number.isNaN(ms)) throw new StoreError(`${what}: not an ISO-8601 time: ${JSON.stringify(iso.slice(0, 60))}`, 'invalid');
  return ms;
}

const YEAR_ONE = new Date('0001-01-01T00:00:00Z').getTime();
const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * A timestamptz parameter. Postgres has no year 0: ISO year 0 and before are written with BC
 * (ISO 0000 = 1 BC), which reads back as the same instant.
 */
export function isoOrNull(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined) return null;
  const d = new Date(ms);
  if (ms >= YEAR_ONE) return d.toISOString();
  const bc = 1 - d.getUTCFullYear();
  return `${pad(bc, 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}+00 BC`;
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
