// A small shape checker for tag values. Written here rather than using zod so that each message
// names the key and points at its line (the caller maps the key path to a position), and so that
// loading a config stays cheap for the CLI.
//
// A value is checked twice: at load time, where a nested tagged object is still a Lazy (a
// `!skrode/env` secret stands in for a string, `*redis` for a redis object), and at build time,
// on concrete values.
import { Lazy, tagOf } from './lazy.js';
import type { KeyPath } from './error.js';

export type CheckMode = 'load' | 'build';

export interface CheckContext {
  mode: CheckMode;
  /** Throws a ConfigError pointing at the key at `path` (relative to the tag's value). */
  fail(reason: string, path: KeyPath): never;
}

/** What kind of value a field takes, for a form derived from a tag's shape (the Sources page). */
export type FieldInfo =
  | { kind: 'string' | 'integer' | 'number' | 'boolean' | 'url' | 'any' | 'ref' | 'either' }
  | { kind: 'choice'; choices: readonly string[] }
  | { kind: 'list'; item: FieldInfo }
  | { kind: 'object'; fields: Readonly<Record<string, Field<unknown>>> };

export interface Field<T> {
  readonly optional: boolean;
  /** What the field wants, for messages: "an integer from 1 to 65535". */
  readonly expects: string;
  /** Its kind (and for optional fields the value used when it is left out). */
  readonly info?: FieldInfo;
  readonly fallback?: unknown;
  check(value: unknown, path: KeyPath, ctx: CheckContext): T;
}

/** A load-time stand-in that is checked later (a secret from the environment or keychain). */
function deferred(value: unknown): boolean {
  return value instanceof Lazy && value.def.secretSource === true;
}

function describeValue(value: unknown, mode: CheckMode): string {
  if (value instanceof Lazy) return `!${value.tag}`;
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  const tag = tagOf(value);
  if (tag) return `!${tag}`;
  if (typeof value === 'object') return 'a mapping';
  // Values built from secrets are never echoed.
  if (mode === 'build' && typeof value === 'string') return 'a string';
  const shown = JSON.stringify(value);
  return `${typeof value} ${shown.length > 40 ? shown.slice(0, 37) + '...' : shown}`;
}

function scalarField<T>(expects: string, convert: (value: unknown) => T | undefined, info: FieldInfo): Field<T> {
  return {
    optional: false,
    expects,
    info,
    check(value, path, ctx) {
      if (ctx.mode === 'load' && deferred(value)) return value as T;
      const out = convert(value);
      if (out === undefined) return ctx.fail(`expected ${expects}, got ${describeValue(value, ctx.mode)}`, path);
      return out;
    },
  };
}

export function string(options: { nonEmpty?: boolean; pattern?: RegExp; expects?: string } = {}): Field<string> {
  const expects = options.expects ?? (options.nonEmpty ? 'a non-empty string' : 'a string');
  return scalarField(expects, (v) => {
    // Unquoted YAML numbers are fine where a string is wanted (`password: 1234`).
    const s = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : undefined;
    if (s === undefined) return undefined;
    if (options.nonEmpty && s === '') return undefined;
    if (options.pattern && !options.pattern.test(s)) return undefined;
    return s;
  }, { kind: 'string' });
}

export function integer(options: { min?: number; max?: number } = {}): Field<number> {
  const { min, max } = options;
  const range = min !== undefined && max !== undefined ? ` from ${min} to ${max}` : min !== undefined ? ` of at least ${min}` : max !== undefined ? ` of at most ${max}` : '';
  return scalarField(`an integer${range}`, (v) => {
    // Strings come from the environment (`port: !skrode/env PGPORT`).
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) return undefined;
    if (min !== undefined && n < min) return undefined;
    if (max !== undefined && n > max) return undefined;
    return n;
  }, { kind: 'integer' });
}

export function number(options: { min?: number; max?: number } = {}): Field<number> {
  const { min, max } = options;
  const range = min !== undefined ? ` of at least ${min}` : '';
  return scalarField(`a number${range}`, (v) => {
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) return undefined;
    if (min !== undefined && n < min) return undefined;
    if (max !== undefined && n > max) return undefined;
    return n;
  }, { kind: 'number' });
}

const TRUE = new Set(['true', 'yes', 'on', '1']);
const FALSE = new Set(['false', 'no', 'off', '0']);

/** YAML 1.2 booleans, plus the 1.1 yes/no/on/off the original's PyYAML configs may use. */
export function boolean(): Field<boolean> {
  return scalarField('true or false', (v) => {
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string') {
      const s = v.trim().toLowerCase();
      if (TRUE.has(s)) return true;
      if (FALSE.has(s)) return false;
    }
    return undefined;
  }, { kind: 'boolean' });
}

export function oneOf<const V extends string>(values: readonly V[]): Field<V> {
  return scalarField(`one of ${values.join(', ')}`, (v) => (typeof v === 'string' && (values as readonly string[]).includes(v) ? (v as V) : undefined), { kind: 'choice', choices: values });
}

/** A URL with one of the given schemes (`postgres:`, `redis:`...). */
export function url(protocols: readonly string[]): Field<string> {
  return scalarField(`a ${protocols.map((p) => p + '//').join(' or ')} URL`, (v) => {
    if (typeof v !== 'string') return undefined;
    try {
      return protocols.includes(new URL(v).protocol) ? v : undefined;
    } catch {
      return undefined;
    }
  }, { kind: 'url' });
}

/** Anything at all, passed through unchecked. */
export function any(): Field<unknown> {
  return { optional: false, expects: 'a value', info: { kind: 'any' }, check: (v) => v };
}

/** Another tagged object, usually an alias (`conn: *redis`). At build time it is the built object. */
export function ref<T = unknown>(tags: string | readonly string[]): Field<T> {
  const list = typeof tags === 'string' ? [tags] : tags;
  const expects = `a ${list.map((t) => `!${t}`).join(' or ')} object (e.g. an alias like *${list[0]!.split('/').pop()})`;
  return {
    optional: false,
    expects,
    info: { kind: 'ref' },
    check(value, path, ctx) {
      const tag = value instanceof Lazy ? value.tag : tagOf(value);
      if (tag === undefined || !list.includes(tag)) ctx.fail(`expected ${expects}, got ${describeValue(value, ctx.mode)}`, path);
      return value as T;
    },
  };
}

export function list<T>(item: Field<T>): Field<T[]> {
  return {
    optional: false,
    expects: `a list of ${item.expects}`,
    info: { kind: 'list', item: item.info ?? { kind: 'any' } },
    check(value, path, ctx) {
      if (!Array.isArray(value)) return ctx.fail(`expected a list, got ${describeValue(value, ctx.mode)}`, path);
      return value.map((v, i) => item.check(v, [...path, i], ctx));
    },
  };
}

export function optional<T>(field: Field<T>): Field<T | undefined>;
export function optional<T>(field: Field<T>, fallback: T): Field<T>;
export function optional<T>(field: Field<T>, fallback?: T): Field<T | undefined> {
  return {
    optional: true,
    expects: field.expects,
    ...(field.info ? { info: field.info } : {}),
    fallback,
    check(value, path, ctx) {
      if (value === undefined || value === null) return fallback;
      return field.check(value, path, ctx);
    },
  };
}

/** Either of two shapes (e.g. a number of milliseconds or a {type, delay} mapping). */
export function either<A, B>(a: Field<A>, b: Field<B>): Field<A | B> {
  const expects = `${a.expects} or ${b.expects}`;
  return {
    optional: false,
    expects,
    info: { kind: 'either' },
    check(value, path, ctx) {
      for (const f of [a, b] as Field<A | B>[]) {
        let failed = false;
        const probe: CheckContext = {
          mode: ctx.mode,
          fail: () => {
            failed = true;
            throw probeFailure;
          },
        };
        try {
          const out = f.check(value, path, probe);
          if (!failed) return out;
        } catch (e) {
          if (e !== probeFailure) throw e;
        }
      }
      return ctx.fail(`expected ${expects}, got ${describeValue(value, ctx.mode)}`, path);
    },
  };
}
const probeFailure = Symbol('probe failure');

type Shape = Record<string, Field<unknown>>;
export type ObjectOf<S extends Shape> = { [K in keyof S]: S[K] extends Field<infer U> ? U : never };

export interface ObjectOptions {
  /** What to do with keys the shape does not name: reject them (catches typos) or keep them. */
  extra?: 'error' | 'keep';
}

export function object<S extends Shape>(shape: S, options: ObjectOptions = {}): Field<ObjectOf<S>> {
  const names = Object.keys(shape);
  return {
    optional: false,
    expects: 'a mapping',
    info: { kind: 'object', fields: shape },
    check(value, path, ctx) {
      if (value === null || value === undefined) value = {};
      if (typeof value !== 'object' || Array.isArray(value) || value instanceof Lazy || tagOf(value)) {
        ctx.fail(`expected a mapping with ${names.join(', ')}, got ${describeValue(value, ctx.mode)}`, path);
      }
      const input = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(input)) {
        if (Object.hasOwn(shape, key)) continue;
        if (options.extra === 'keep') setOwn(out, key, input[key]);
        else ctx.fail(`unknown key ${JSON.stringify(key)} (expected ${names.join(', ')})`, [...path, key]);
      }
      for (const key of names) {
        const field = shape[key]!;
        const v = Object.hasOwn(input, key) ? input[key] : undefined;
        if ((v === undefined || v === null) && !field.optional) ctx.fail(`missing required key ${JSON.stringify(key)} (${field.expects})`, Object.hasOwn(input, key) ? [...path, key] : path);
        const checked = field.check(v, [...path, key], ctx);
        if (checked !== undefined) setOwn(out, key, checked);
      }
      return out as ObjectOf<S>;
    },
  };
}

/** Assign without ever touching a prototype, whatever the key (`__proto__` in hostile YAML). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
