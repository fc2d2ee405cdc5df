// A tagged value from config.yml, built on first use and memoised. Loading a config builds
// nothing; aliases (`*redis`) share the same Lazy, hence the same built object.
import { inspect } from 'node:util';
import { ConfigError, formatKeyPath, type KeyPath, type SourcePos } from './error.js';
import type { AnyTagDefinition, BuildContext } from './registry.js';
import type { CheckContext, CheckMode } from './fields.js';
import { expandHome } from '../util/data-dir.js';
import path from 'node:path';

/** Where each key and item of a parsed mapping or list was written. */
export interface NodeInfo {
  pos: SourcePos;
  path: KeyPath;
  keys: Map<string, SourcePos>;
  items: SourcePos[];
}

/** What every Lazy of one loaded config shares. */
export interface ConfigSource {
  file: string;
  baseDir: string;
  dataDir: string;
  env: Readonly<Record<string, string | undefined>>;
  positions: WeakMap<object, NodeInfo>;
}

const TAG = Symbol.for('skrode.config.tag');
const REDACTED = '[redacted]';

/** The tag a built object came from (`skrode/redis`), or undefined for anything else. */
export function tagOf(value: unknown): string | undefined {
  if (value instanceof Lazy) return value.tag;
  if (value !== null && typeof value === 'object') {
    const t = (value as { [TAG]?: unknown })[TAG];
    if (typeof t === 'string') return t;
  }
  return undefined;
}

export class Lazy<T = unknown> {
  #built = false;
  #value: T | undefined;
  #building = false;

  constructor(
    readonly def: AnyTagDefinition,
    /** The value as written: a string for the scalar form, else plain objects and lists in which
     *  nested tagged values are Lazy too. */
    readonly raw: unknown,
    readonly pos: SourcePos,
    readonly path: KeyPath,
    readonly source: ConfigSource,
  ) {}

  get tag(): string {
    return this.def.tag;
  }

  get keyPath(): string {
    return formatKeyPath(this.path);
  }

  get isBuilt(): boolean {
    return this.#built;
  }

  /** Load-time check of the value's shape (no secrets read, nothing built). */
  validate(): void {
    this.#check(this.#input(this.raw), 'load', this.pos, this.path);
  }

  /** Build (once) and return the object. */
  get(): T {
    if (this.#built) return this.#value as T;
    const value = this.#build(this.pos, this.path);
    this.#value = value;
    this.#built = true;
    return value;
  }

  /** Build for one use site without memoising: secret sources report errors where they are used. */
  buildAt(pos: SourcePos, usePath: KeyPath): T {
    return this.#build(pos, usePath);
  }

  #build(pos: SourcePos, usePath: KeyPath): T {
    if (this.#building) throw new ConfigError(pos, `!${this.tag} refers to itself`, formatKeyPath(usePath));
    this.#building = true;
    try {
      const secrets: string[] = [];
      const view = this.#materialise(this.#input(this.raw), pos, usePath, secrets);
      const checked = this.#check(view, 'build', pos, usePath);
      const ctx = this.#context(pos, usePath);
      const built = this.def.build(checked, ctx) as T;
      if (built !== null && typeof built === 'object') brand(built, this.tag, new Set(this.def.secrets ?? []), secrets);
      return built;
    } finally {
      this.#building = false;
    }
  }

  #input(raw: unknown): unknown {
    if (typeof raw === 'string' && this.def.fromScalar) return this.def.fromScalar(raw);
    if (raw === null && this.def.kinds.includes('map')) return {};
    return raw;
  }

  /** Replace nested Lazies by what they stand for: secrets by their string, others by their object. */
  #materialise(value: unknown, pos: SourcePos, usePath: KeyPath, secrets: string[]): unknown {
    if (value instanceof Lazy) {
      if (value.def.secretSource) {
        const s = value.buildAt(pos, usePath);
        if (typeof s === 'string' && s !== '') secrets.push(s);
        return s;
      }
      return value.get();
    }
    if (Array.isArray(value)) {
      const info = this.source.positions.get(value);
      return value.map((item, i) => this.#materialise(item, info?.items[i] ?? pos, [...usePath, i], secrets));
    }
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const info = this.source.positions.get(value);
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) {
        Object.defineProperty(out, k, { value: this.#materialise(v, info?.keys.get(k) ?? pos, [...usePath, k], secrets), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    return value;
  }

  #check(value: unknown, mode: CheckMode, pos: SourcePos, usePath: KeyPath): unknown {
    const fail = (reason: string, sub: KeyPath): never => {
      throw new ConfigError(this.#locate(sub, pos), reason, formatKeyPath([...usePath, ...sub]));
    };
    if (this.def.shape) {
      const ctx: CheckContext = { mode, fail };
      return this.def.shape.check(value, [], ctx);
    }
    if (this.def.schema) {
      const result = this.def.schema.safeParse(value);
      if (result.success) return result.data;
      for (const issue of result.error.issues) {
        const sub = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
        // At load time a nested secret or object is still a Lazy; the schema cannot judge it yet.
        if (mode === 'load' && valueAt(value, sub) instanceof Lazy) continue;
        fail(issue.message, sub);
      }
      return value;
    }
    return value;
  }

  /** The position of a key inside this tag's value, or the nearest enclosing one we know. */
  #locate(sub: KeyPath, fallback: SourcePos): SourcePos {
    let node: unknown = this.raw;
    let pos = fallback;
    for (const part of sub) {
      if (node === null || typeof node !== 'object') break;
      const info = this.source.positions.get(node);
      const at = typeof part === 'number' ? info?.items[part] : info?.keys.get(part);
      if (at && fallback === this.pos) pos = at;
      node = (node as Record<string | number, unknown>)[part];
    }
    return pos;
  }

  #context(pos: SourcePos, usePath: KeyPath): BuildContext {
    const source = this.source;
    return {
      tag: this.tag,
      pos,
      keyPath: formatKeyPath(usePath),
      baseDir: source.baseDir,
      dataDir: source.dataDir,
      env: source.env,
      error: (reason, sub = []) => new ConfigError(this.#locate(sub, pos), reason, formatKeyPath([...usePath, ...sub])),
      resolvePath: (file) => (file === ':memory:' ? file : path.resolve(source.baseDir, expandHome(file))),
    };
  }

  toJSON(): unknown {
    return { [`!${this.tag}`]: redact(this.raw, new Set(this.def.secrets ?? []), [], true) };
  }

  [inspect.custom](): string {
    return `Lazy(!${this.tag} at ${this.keyPath || '<root>'}${this.#built ? ', built' : ''}) ${inspect(this.toJSON(), { depth: 4 })}`;
  }
}

function valueAt(value: unknown, sub: KeyPath): unknown {
  let node = value;
  for (const part of sub) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

/** Mark a built object with its tag and make JSON.stringify and util.inspect hide its secrets. */
function brand(obj: object, tag: string, secretKeys: ReadonlySet<string>, secretValues: readonly string[]): void {
  if (Object.isFrozen(obj) || Object.hasOwn(obj, TAG)) return;
  const hidden = (value: unknown) => ({ value, enumerable: false, writable: false, configurable: false });
  Object.defineProperty(obj, TAG, hidden(tag));
  if (!('toJSON' in obj)) Object.defineProperty(obj, 'toJSON', hidden(() => redact(obj, secretKeys, secretValues, true)));
  Object.defineProperty(obj, inspect.custom, hidden(() => `!${tag} ${inspect(redact(obj, secretKeys, secretValues, true), { depth: 4 })}`));
}

/** A copy with secrets masked. Other built objects inside are left to redact themselves. */
export function redact(value: unknown, secretKeys: ReadonlySet<string>, secretValues: readonly string[], root = false): unknown {
  if (typeof value === 'string') return redactString(value, secretValues);
  if (value === null || typeof value !== 'object') return value;
  if (!root && (value instanceof Lazy || tagOf(value))) return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, secretKeys, secretValues));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const masked = secretKeys.has(k) && v !== undefined && v !== null && !(v instanceof Lazy) ? REDACTED : redact(v, secretKeys, secretValues);
    Object.defineProperty(out, k, { value: masked, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function redactString(s: string, secretValues: readonly string[]): string {
  let out = s;
  for (const secret of secretValues) {
    if (out === secret) return REDACTED;
    // Short secrets are only masked as whole values, lest every "1" in a string vanish.
    if (secret.length < 4) continue;
    out = out.split(secret).join(REDACTED);
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join(REDACTED);
  }
  // A password inside a connection URL: postgres://user:pw@host/db.
  return out.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*):[^@/?#\s]+@/i, `$1:${REDACTED}@`);
}
