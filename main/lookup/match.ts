// Deciding how well one stored name matches a query. Pure. The database only proposes
// candidates (through indexes that may over-approximate); this is the one authority on whether a
// name matches and in which tier, so both backends rank identically.
import type { MatchTier } from '../../shared/people.js';
import { chars, maxEdits, type LookupQuery } from './query.js';

export const TIERS: readonly MatchTier[] = ['exact', 'prefix', 'word-prefix', 'substring', 'fuzzy'];

export function tierRank(t: MatchTier): number {
  return TIERS.indexOf(t);
}

export interface NameLike {
  fold: string;
  kind: string;
  externalId?: string | undefined;
}

export interface Match {
  tier: MatchTier;
  /** Edit distance, for fuzzy matches (0 otherwise). */
  distance: number;
}

const HANDLE_KINDS = new Set(['handle', 'nick']);
const WORD_CHAR = /[\p{L}\p{N}]/u;

export function isHandle(n: NameLike): boolean {
  return HANDLE_KINDS.has(n.kind) || n.fold.startsWith('@');
}

function isPhone(n: NameLike): boolean {
  return n.kind === 'phone' || (n.externalId?.startsWith('tel+') ?? false);
}

/** The forms of a stored name a query is compared with: as stored, and without a leading `@`. */
function forms(f: string): string[] {
  return f.startsWith('@') && f.length > 1 ? [f, f.slice(1)] : [f];
}

function textTier(form: string, key: string): MatchTier | null {
  if (form === key) return 'exact';
  if (form.startsWith(key)) return 'prefix';
  let at = form.indexOf(key, 1);
  let substring = false;
  while (at > 0) {
    substring = true;
    if (!WORD_CHAR.test(form[at - 1]!) && WORD_CHAR.test(form[at]!)) return 'word-prefix';
    at = form.indexOf(key, at + 1);
  }
  return substring ? 'substring' : null;
}

function digitsTier(stored: string, digits: string): MatchTier | null {
  const d = stored.replace(/\D/g, '');
  if (d === '') return null;
  if (d === digits) return 'exact';
  if (d.startsWith(digits)) return 'prefix';
  if (d.includes(digits)) return 'substring';
  return null;
}

function better(a: MatchTier | null, b: MatchTier | null): MatchTier | null {
  if (a === null) return b;
  if (b === null) return a;
  return tierRank(a) <= tierRank(b) ? a : b;
}

/** The best non-fuzzy tier at which `name` matches `q`, or null. */
export function classify(name: NameLike, q: LookupQuery): Match | null {
  if (q.mode === 'handle' && !isHandle(name)) return null;
  let tier: MatchTier | null = null;
  for (const form of forms(name.fold)) tier = better(tier, textTier(form, q.key));
  if (q.mode === 'phone' && isPhone(name)) {
    tier = better(tier, digitsTier(name.fold, q.digits));
    const local = name.externalId?.slice(name.externalId.indexOf(':') + 1);
    if (local !== undefined) tier = better(tier, digitsTier(local, q.digits));
  }
  if (tier === null || (q.exact && tier !== 'exact')) return null;
  return { tier, distance: 0 };
}

/** A fuzzy match: the pattern is within a few typos of some part of the name. */
export function classifyFuzzy(name: NameLike, q: LookupQuery): Match | null {
  if (q.exact) return null;
  if (q.mode === 'handle' && !isHandle(name)) return null;
  const limit = maxEdits(chars(q.key).length);
  if (limit === 0) return null;
  let best = Infinity;
  for (const form of forms(name.fold)) best = Math.min(best, substringDistance(q.key, form, limit));
  return best <= limit ? { tier: 'fuzzy', distance: best } : null;
}

/**
 * The smallest edit distance (insertions, deletions, substitutions and swaps of neighbouring
 * letters) between `pattern` and any substring of `text` (Sellers' algorithm with the
 * optimal-string-alignment swap). Returns limit+1 as soon as the answer must exceed `limit`.
 * Runs inside SQLite for every fuzzy candidate, so it works on code point arrays in reused
 * typed-array rows.
 */
export function substringDistance(pattern: string, text: string, limit = Infinity): number {
  const p = codePoints(pattern);
  const t = codePoints(text);
  const m = p.length;
  const n = t.length;
  if (m === 0) return 0;
  if (rowsFor < n + 1) {
    rowsFor = n + 1;
    prev2 = new Int32Array(rowsFor);
    prev = new Int32Array(rowsFor);
    cur = new Int32Array(rowsFor);
  }
  // Row i holds the distance between p[0..i) and the best substring of t ending at j.
  prev2.fill(0, 0, n + 1);
  prev.fill(0, 0, n + 1);
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    let rowMin = i;
    const pi = p[i - 1]!;
    for (let j = 1; j <= n; j++) {
      const tj = t[j - 1]!;
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (pi === tj ? 0 : 1));
      if (i > 1 && j > 1 && pi === t[j - 2] && p[i - 2] === tj) v = Math.min(v, prev2[j - 2]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    const spare = prev2;
    prev2 = prev;
    prev = cur;
    cur = spare;
  }
  let best = Infinity;
  for (let j = 0; j <= n; j++) best = Math.min(best, prev[j]!);
  return best;
}

let rowsFor = 0;
let prev2 = new Int32Array(0);
let prev = new Int32Array(0);
let cur = new Int32Array(0);

const SURROGATE = /[\uD800-\uDFFF]/;

/** Code points of a string; the common all-BMP case without building an array of strings. */
function codePoints(s: string): Int32Array {
  if (!SURROGATE.test(s)) {
    const out = new Int32Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  return Int32Array.from(Array.from(s, (c) => c.codePointAt(0)!));
}
