// Turning what the user typed into a lookup query. Pure: no I/O.
//
// Everything is compared on folded text (main/model/fold.ts: lower case, accents removed), the
// same form the store keeps in names.fold. Three kinds of pattern:
//   - text:   `ada`, `Ada Lovelace`, `ada@example.org`; a leading `@` on a stored handle is
//             ignored, so `arrdem` finds `@arrdem` as an exact match;
//   - handle: `@arrdem` finds only handles (kind handle/nick, or names stored with a leading `@`);
//   - phone:  `+44 (0)20 7946-0018`: digits only are compared against phone numbers, and the
//             pattern is also matched as text.
import { fold } from '../model/fold.js';

export type LookupMode = 'text' | 'handle' | 'phone';

export interface LookupQuery {
  /** The pattern as typed. */
  raw: string;
  mode: LookupMode;
  /** The folded pattern without a leading `@`: what names are compared against. */
  key: string;
  /** For phone patterns, the digits. */
  digits: string;
  /** Only exact matches (`--exact`). */
  exact: boolean;
}

/** Longer patterns cannot be a name; they are cut here so nothing downstream sees megabytes. */
export const MAX_PATTERN = 256;
/** A phone pattern: digits and the punctuation people write numbers with, at least 5 digits. */
const PHONE = /^\+?[\d\s().\-/]+$/;
const MIN_PHONE_DIGITS = 5;

/** Parse a pattern; null when it has nothing to look for (empty, only spaces, a lone `@`). */
export function parseQuery(pattern: string, options: { exact?: boolean } = {}): LookupQuery | null {
  if (typeof pattern !== 'string') return null;
  const raw = pattern.length > MAX_PATTERN ? pattern.slice(0, MAX_PATTERN) : pattern;
  const folded = fold(raw);
  if (folded === '') return null;
  const exact = options.exact === true;
  const trimmed = raw.trim();
  if (PHONE.test(trimmed)) {
    const digits = trimmed.replace(/\D/g, '');
    if (digits.length >= MIN_PHONE_DIGITS) return { raw, mode: 'phone', key: folded, digits, exact };
  }
  if (folded.startsWith('@')) {
    const key = folded.slice(1).trim();
    if (key === '') return null;
    return { raw, mode: 'handle', key, digits: '', exact };
  }
  return { raw, mode: 'text', key: folded, digits: '', exact };
}

/** Code points, not UTF-16 units: trigrams and edit distances count letters, as SQLite does. */
export function chars(s: string): string[] {
  return Array.from(s);
}

/** The words of a folded string, split the way FTS5's unicode61 tokenizer splits them. */
export function words(s: string): string[] {
  return s.split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
}

/**
 * An FTS5 MATCH string for "some word starts with these words": one quoted phrase whose last
 * token is a prefix (`"reid mck"*`). Quoting makes every character literal: no operator, column
 * filter or NEAR from the user survives. Null when the pattern has no word characters.
 */
export function ftsWordPrefix(key: string): string | null {
  const ws = words(key);
  if (ws.length === 0) return null;
  return `"${ws.join(' ').replaceAll('"', '""')}"*`;
}

/**
 * The trigrams of a string, at most `max` of them spread evenly across it. Names containing the
 * string contain all of its trigrams, so an AND of any of them finds every candidate (and some
 * extras, which the matcher drops).
 */
export function trigrams(s: string, max = 8): string[] {
  const cs = chars(s);
  const all: string[] = [];
  for (let i = 0; i + 3 <= cs.length; i++) all.push(cs.slice(i, i + 3).join(''));
  const unique = [...new Set(all)];
  if (unique.length <= max) return unique;
  const picked: string[] = [];
  for (let i = 0; i < max; i++) picked.push(unique[Math.round((i * (unique.length - 1)) / (max - 1))]!);
  return [...new Set(picked)];
}

/** A tsquery string for Postgres: quoted lexemes, the last one a prefix, as a phrase. */
export function tsWordPrefix(key: string): string | null {
  const ws = words(key);
  if (ws.length === 0) return null;
  const quote = (w: string) => `'${w.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
  return ws.map((w, i) => (i === ws.length - 1 ? `${quote(w)}:*` : quote(w))).join(' <-> ');
}

/** Escape a string for a LIKE pattern with ESCAPE '\': `%`, `_` and `\` become literal. */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The exclusive upper bound of the strings starting with `prefix` in binary (UTF-8 byte)
 * order: the prefix followed by the largest code point.
 */
export function prefixUpperBound(prefix: string): string {
  return `${prefix}\u{10FFFF}`;
}

/** How many typos the fuzzy fallback forgives for a pattern of this many letters. */
export function maxEdits(length: number): number {
  if (length < 4) return 0;
  if (length <= 5) return 1;
  if (length <= 9) return 2;
  return 3;
}

/**
 * Pieces of the pattern to find fuzzy candidates with: with e typos, at least one of e+1 disjoint
 * pieces is intact. Every piece has at least 3 letters (the trigram index needs them); short
 * patterns use their trigrams instead.
 */
export function fuzzyPieces(key: string): string[] {
  const cs = chars(key);
  const e = maxEdits(cs.length);
  if (e === 0) return [];
  if (cs.length <= 5) return trigrams(key, 3);
  const n = Math.min(e + 1, Math.floor(cs.length / 3));
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) {
    const from = Math.floor((i * cs.length) / n);
    const to = Math.floor(((i + 1) * cs.length) / n);
    pieces.push(cs.slice(from, to).join(''));
  }
  return pieces;
}
