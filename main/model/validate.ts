// Validation of observations: everything that reaches the store passes through here, whether it
// came from our own parsers, a JSON-lines file or another process. Input is treated as hostile:
// each check names the field and what was wrong, and the result is a fresh object holding only
// the known fields (so stray keys such as `__proto__` never travel further).

import { ExternalIdError, parseExternalId } from './external-id.js';
import {
  DISTRIBUTION_KINDS,
  INTERACTION_KINDS,
  NAME_KINDS,
  OBSERVATION_TYPES,
  POST_RELATIONS,
  RELATIONSHIP_KINDS,
  type DistributionSeen,
  type NameSeen,
  type Observation,
  type PostRelation,
  type Provenance,
} from './observations.js';

export const LIMITS = {
  /** Post text, note text, serialised raw/profile JSON: bytes of UTF-8. */
  textBytes: 1024 * 1024,
  /** A name (handle, display name, address ...), list name, evidence kind, note key: characters. */
  nameChars: 1024,
  urlChars: 8192,
  provenanceChars: 4096,
  names: 256,
  refs: 256,
  distribution: 10_000,
  links: 1000,
  members: 100_000,
  identityAccounts: 1000,
  profileKeys: 256,
  batch: 100_000,
} as const;

export class ValidationError extends Error {
  override name = 'ValidationError';
  constructor(
    /** Where in the observation: `names[2].kind`, `provenance.source`, or '' for the whole thing. */
    readonly path: string,
    readonly reason: string,
    /** The observation's position in its batch and its provenance, when known. */
    readonly index?: number,
    readonly provenance?: Provenance,
  ) {
    super(describe(path, reason, index, provenance));
  }
}

function describe(path: string, reason: string, index?: number, provenance?: Provenance): string {
  const where: string[] = [];
  if (index !== undefined) where.push(`observation ${index}`);
  if (provenance) where.push(`from ${[provenance.source, provenance.file, provenance.record].filter(Boolean).join(' ')}`);
  const head = where.length ? `${where.join(' ')}: ` : '';
  return `${head}${path ? `${path}: ` : ''}${reason}`;
}

type Obj = Record<string, unknown>;

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

function fail(path: string, reason: string): never {
  throw new ValidationError(path, reason);
}

function isPlainObject(v: unknown): v is Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function object(v: unknown, path: string): Obj {
  if (!isPlainObject(v)) fail(path, `must be an object, got ${show(v)}`);
  return v;
}

function utf8Bytes(s: string): number {
  // Fast path: a string of n UTF-16 units is at most 3n bytes.
  if (s.length * 3 <= LIMITS.textBytes) return s.length;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

function string(v: unknown, path: string, opts: { maxChars?: number; maxBytes?: number; nonEmpty?: boolean } = {}): string {
  if (typeof v !== 'string') fail(path, `must be a string, got ${show(v)}`);
  if (opts.nonEmpty && v.length === 0) fail(path, 'must not be empty');
  if (opts.maxChars !== undefined && v.length > opts.maxChars) fail(path, `longer than ${opts.maxChars} characters (${v.length})`);
  if (opts.maxBytes !== undefined && utf8Bytes(v) > opts.maxBytes) fail(path, `larger than ${opts.maxBytes} bytes`);
  return v;
}

function optional<T>(o: Obj, key: string, path: string, check: (v: unknown, p: string) => T): T | undefined {
  const v = o[key];
  return v === undefined ? undefined : check(v, `${path}${key}`);
}

function extId(v: unknown, path: string): string {
  const s = string(v, path);
  try {
    parseExternalId(s);
  } catch (e) {
    if (e instanceof ExternalIdError) fail(path, e.message);
    throw e;
  }
  return s;
}

function oneOf<T extends string>(allowed: readonly T[]): (v: unknown, path: string) => T {
  return (v, path) => {
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) fail(path, `must be one of ${allowed.join('|')}, got ${show(v)}`);
    return v as T;
  };
}

// YYYY-MM-DD, optionally THH:MM[:SS[.fff]] with Z or ±HH:MM (a space instead of T is accepted).
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO-8601 time that names a real instant (no 30 February, no hour 25). */
export function checkInstant(v: unknown, path: string): string {
  const s = string(v, path, { maxChars: 64 });
  const m = ISO.exec(s);
  if (!m) fail(path, `not an ISO-8601 time: ${show(s)}`);
  const [, y, mo, d, h = '0', mi = '0', sec = '0'] = m;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(sec);
  const probe = new Date(Date.UTC(year, month - 1, day));
  probe.setUTCFullYear(year);
  if (month < 1 || month > 12 || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) fail(path, `no such date: ${show(s)}`);
  if (hour > 23 || minute > 59 || second > 60) fail(path, `no such time of day: ${show(s)}`);
  if (m[4] !== undefined && m[8] === undefined) fail(path, `time without a zone (add Z or an offset): ${show(s)}`);
  if (!Number.isFinite(Date.parse(s.replace(' ', 'T')))) fail(path, `not a valid time: ${show(s)}`);
  return s;
}

function array<T>(v: unknown, path: string, max: number, each: (x: unknown, p: string) => T): T[] {
  if (!Array.isArray(v)) fail(path, `must be an array, got ${show(v)}`);
  if (v.length > max) fail(path, `more than ${max} items (${v.length})`);
  const out: T[] = new Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = each(v[i], `${path}[${i}]`);
  return out;
}

/**
 * While validateBatch runs with a `serialised` map, json() leaves each value's JSON text there,
 * keyed by the value: the size check has to serialise it anyway, and a store that writes the
 * text (the SQLite writer) then need not serialise the same tweet a second time.
 */
let jsonSink: Map<unknown, string> | undefined;

/** JSON-serialisable and within the size limit. */
function json(v: unknown, path: string): unknown {
  let s: string | undefined;
  try {
    s = JSON.stringify(v);
  } catch (e) {
    fail(path, `not JSON-serialisable (${(e as Error).message})`);
  }
  if (s === undefined) fail(path, 'not JSON-serialisable');
  if (utf8Bytes(s) > LIMITS.textBytes) fail(path, `larger than ${LIMITS.textBytes} bytes as JSON`);
  jsonSink?.set(v, s);
  return v;
}

function provenance(v: unknown, path: string): Provenance {
  const o = object(v, path);
  const p: Provenance = { source: string(o.source, `${path}.source`, { nonEmpty: true, maxChars: LIMITS.provenanceChars }) };
  const file = optional(o, 'file', `${path}.`, (x, q) => string(x, q, { maxChars: LIMITS.provenanceChars }));
  const record = optional(o, 'record', `${path}.`, (x, q) => string(x, q, { maxChars: LIMITS.provenanceChars }));
  if (file !== undefined) p.file = file;
  if (record !== undefined) p.record = record;
  return p;
}

const nameText = (v: unknown, p: string) => string(v, p, { maxChars: LIMITS.nameChars });
const url = (v: unknown, p: string) => {
  const s = string(v, p, { nonEmpty: true, maxChars: LIMITS.urlChars });
  if (/[\u0000-\u001f\u007f]/.test(s)) fail(p, 'has control characters');
  return s;
};

function name(v: unknown, path: string): NameSeen {
  const o = object(v, path);
  return { name: nameText(o.name, `${path}.name`), kind: oneOf(NAME_KINDS)(o.kind, `${path}.kind`) };
}

function distribution(v: unknown, path: string): DistributionSeen {
  const o = object(v, path);
  const rel = oneOf(DISTRIBUTION_KINDS)(o.rel, `${path}.rel`);
  if (rel === 'broadcast') {
    if (o.target !== undefined) fail(`${path}.target`, 'a broadcast has no target');
    return { rel };
  }
  if (o.target === undefined) fail(`${path}.target`, `required for ${rel}`);
  return { rel, target: extId(o.target, `${path}.target`) };
}

function ref(v: unknown, path: string): { rel: PostRelation; post: string } {
  const o = object(v, path);
  return { rel: oneOf(POST_RELATIONS)(o.rel, `${path}.rel`), post: extId(o.post, `${path}.post`) };
}

function setIf<T extends object, K extends string, V>(target: T, key: K, value: V | undefined): void {
  if (value !== undefined) (target as Record<string, unknown>)[key] = value;
}

function validateOne(x: unknown): Observation {
  const o = object(x, '');
  const type = o.type;
  if (typeof type !== 'string' || !(OBSERVATION_TYPES as readonly string[]).includes(type)) fail('type', `unknown observation type ${show(type)}`);
  const prov = provenance(o.provenance, 'provenance');
  switch (type) {
    case 'account': {
      const r: Observation = { type, externalId: extId(o.externalId, 'externalId'), provenance: prov };
      setIf(r, 'names', optional(o, 'names', '', (v, p) => array(v, p, LIMITS.names, name)));
      setIf(r, 'profile', optional(o, 'profile', '', (v, p) => {
        const obj = object(v, p);
        if (Object.keys(obj).length > LIMITS.profileKeys) fail(p, `more than ${LIMITS.profileKeys} keys`);
        return json(obj, p) as Record<string, unknown>;
      }));
      setIf(r, 'seenAt', optional(o, 'seenAt', '', checkInstant));
      return r;
    }
    case 'post': {
      const r: Observation = { type, externalId: extId(o.externalId, 'externalId'), provenance: prov };
      setIf(r, 'poster', optional(o, 'poster', '', extId));
      setIf(r, 'text', optional(o, 'text', '', (v, p) => string(v, p, { maxBytes: LIMITS.textBytes })));
      setIf(r, 'when', optional(o, 'when', '', checkInstant));
      setIf(r, 'url', optional(o, 'url', '', url));
      setIf(r, 'refs', optional(o, 'refs', '', (v, p) => array(v, p, LIMITS.refs, ref)));
      setIf(r, 'distribution', optional(o, 'distribution', '', (v, p) => array(v, p, LIMITS.distribution, distribution)));
      setIf(r, 'links', optional(o, 'links', '', (v, p) => array(v, p, LIMITS.links, url)));
      setIf(r, 'raw', optional(o, 'raw', '', json));
      setIf(r, 'seenAt', optional(o, 'seenAt', '', checkInstant));
      return r;
    }
    case 'relationship': {
      const r: Observation = {
        type,
        from: extId(o.from, 'from'),
        to: extId(o.to, 'to'),
        kind: oneOf(RELATIONSHIP_KINDS)(o.kind, 'kind'),
        provenance: prov,
      };
      setIf(r, 'when', optional(o, 'when', '', checkInstant));
      return r;
    }
    case 'interaction': {
      const r: Observation = {
        type,
        account: extId(o.account, 'account'),
        post: extId(o.post, 'post'),
        kind: oneOf(INTERACTION_KINDS)(o.kind, 'kind'),
        provenance: prov,
      };
      setIf(r, 'when', optional(o, 'when', '', checkInstant));
      return r;
    }
    case 'tombstone': {
      const r: Observation = { type, post: extId(o.post, 'post'), provenance: prov };
      setIf(r, 'when', optional(o, 'when', '', checkInstant));
      return r;
    }
    case 'evidence': {
      const a = extId(o.a, 'a');
      const b = extId(o.b, 'b');
      if (a === b) fail('b', 'evidence needs two different accounts');
      const c = o.confidence;
      if (typeof c !== 'number' || !Number.isFinite(c) || c < 0 || c > 1) fail('confidence', `must be a number in 0..1, got ${show(c)}`);
      const r: Observation = { type, a, b, kind: string(o.kind, 'kind', { nonEmpty: true, maxChars: LIMITS.nameChars }), confidence: c, provenance: prov };
      setIf(r, 'proof', optional(o, 'proof', '', (v, p) => string(v, p, { maxChars: LIMITS.urlChars })));
      return r;
    }
    case 'identity': {
      const accounts = array(o.accounts, 'accounts', LIMITS.identityAccounts, extId);
      if (accounts.length === 0) fail('accounts', 'must name at least one account');
      const r: Observation = { type, accounts, provenance: prov };
      setIf(r, 'self', optional(o, 'self', '', (v, p) => {
        if (typeof v !== 'boolean') fail(p, `must be true or false, got ${show(v)}`);
        return v;
      }));
      return r;
    }
    case 'list': {
      const r: Observation = { type, externalId: extId(o.externalId, 'externalId'), provenance: prov };
      setIf(r, 'name', optional(o, 'name', '', nameText));
      setIf(r, 'owner', optional(o, 'owner', '', extId));
      setIf(r, 'members', optional(o, 'members', '', (v, p) => array(v, p, LIMITS.members, extId)));
      return r;
    }
    case 'note':
      return {
        type,
        account: extId(o.account, 'account'),
        text: string(o.text, 'text', { maxBytes: LIMITS.textBytes }),
        key: string(o.key, 'key', { nonEmpty: true, maxChars: LIMITS.nameChars }),
        provenance: prov,
      };
    default:
      return fail('type', `unknown observation type ${show(type)}`);
  }
}

function provenanceOf(x: unknown): Provenance | undefined {
  if (!isPlainObject(x) || !isPlainObject(x.provenance)) return undefined;
  const p = x.provenance;
  if (typeof p.source !== 'string') return undefined;
  return {
    source: p.source.slice(0, 200),
    ...(typeof p.file === 'string' ? { file: p.file.slice(0, 200) } : {}),
    ...(typeof p.record === 'string' ? { record: p.record.slice(0, 200) } : {}),
  };
}

/** Check one observation; throws ValidationError naming the field and the reason. */
export function validateObservation(x: unknown, index?: number): Observation {
  try {
    return validateOne(x);
  } catch (e) {
    if (e instanceof ValidationError) throw new ValidationError(e.path, e.reason, index, provenanceOf(x));
    throw e;
  }
}

/**
 * Check a whole batch; the first bad observation rejects it, named by index and provenance.
 * With `serialised`, the JSON text of every raw and profile value checked is left in it, keyed by
 * the value (valid only until the caller changes those values: use it at once).
 */
export function validateBatch(xs: unknown, serialised?: Map<unknown, string>): Observation[] {
  if (!Array.isArray(xs)) fail('', `a batch must be an array, got ${show(xs)}`);
  if (xs.length > LIMITS.batch) fail('', `a batch holds at most ${LIMITS.batch} observations (${xs.length})`);
  const out: Observation[] = new Array(xs.length);
  jsonSink = serialised;
  try {
    for (let i = 0; i < xs.length; i++) out[i] = validateObservation(xs[i], i);
  } finally {
    jsonSink = undefined;
  }
  return out;
}

/** Milliseconds since the epoch of a validated instant (date-only means midnight UTC). */
export function instantToMs(s: string): number {
  return Date.parse(s.length > 10 && s[10] === ' ' ? `${s.slice(0, 10)}T${s.slice(11)}` : s);
}
