// Read access to a loaded config: `get(key)` builds a tagged value on first use (memoised),
// `section(key)` gives a plain mapping with the same API, and typed helpers fail with a
// ConfigError that points at the key's line.
import { ConfigError, formatKeyPath, type KeyPath, type SourcePos } from './error.js';
import { Lazy, tagOf, type ConfigSource } from './lazy.js';

export class ConfigSection {
  constructor(
    protected readonly source: ConfigSource,
    /** The mapping as parsed: tagged values are unbuilt Lazy objects. */
    readonly raw: Record<string, unknown>,
    readonly path: KeyPath = [],
  ) {}

  get file(): string {
    return this.source.file;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.raw, key);
  }

  keys(): string[] {
    return Object.keys(this.raw);
  }

  /** The value at `key`: a tagged value is built (once), a mapping is a ConfigSection, a list is a
   *  list of those; undefined when the key is absent. */
  get(key: string): unknown {
    if (!this.has(key)) return undefined;
    return this.#wrap(this.raw[key], [...this.path, key]);
  }

  /** The unbuilt tagged value at `key`, if it is one (to look at its tag or raw value). */
  lazy(key: string): Lazy | undefined {
    const v = this.raw[key];
    return this.has(key) && v instanceof Lazy ? v : undefined;
  }

  /** The whole value at `key` (or of this section) as plain data, every tagged value built. */
  resolve(key?: string): unknown {
    if (key === undefined) return resolveDeep(this.raw);
    return this.has(key) ? resolveDeep(this.raw[key]) : undefined;
  }

  /** Where `key` was written (the section's own position when the key is absent). */
  position(key?: string): SourcePos {
    const info = this.source.positions.get(this.raw);
    const fallback = info?.pos ?? { file: this.source.file, line: 0, col: 0 };
    return key === undefined ? fallback : (info?.keys.get(key) ?? fallback);
  }

  /** A ConfigError at `key` (for callers validating their own sections, e.g. worker definitions). */
  error(key: string | undefined, reason: string): ConfigError {
    return new ConfigError(this.position(key), reason, formatKeyPath(key === undefined ? this.path : [...this.path, key]));
  }

  section(key: string): ConfigSection {
    const v = this.raw[key];
    if (!this.has(key)) throw this.error(undefined, `missing key ${JSON.stringify(key)}`);
    if (v instanceof Lazy && v.def.source?.worker) return new ConfigSection(this.source, this.#workerOf(v, v.def.source.worker), [...this.path, key]);
    if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof Lazy) throw this.error(key, 'expected a mapping');
    return new ConfigSection(this.source, v as Record<string, unknown>, [...this.path, key]);
  }

  string(key: string): string;
  string(key: string, fallback: string): string;
  string(key: string, fallback?: string): string | undefined;
  string(key: string, fallback?: string): string | undefined {
    const v = this.get(key);
    if (v === undefined || v === null) return this.#missing(key, fallback);
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    throw this.error(key, `expected a string`);
  }

  number(key: string): number;
  number(key: string, fallback: number): number;
  number(key: string, fallback?: number): number | undefined {
    const v = this.get(key);
    if (v === undefined || v === null) return this.#missing(key, fallback);
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
    if (!Number.isFinite(n)) throw this.error(key, 'expected a number');
    return n;
  }

  boolean(key: string): boolean;
  boolean(key: string, fallback: boolean): boolean;
  boolean(key: string, fallback?: boolean): boolean | undefined {
    const v = this.get(key);
    if (v === undefined || v === null) return this.#missing(key, fallback);
    if (typeof v === 'boolean') return v;
    // The original's PyYAML (YAML 1.1) configs may say yes/no/on/off.
    const word = typeof v === 'string' ? v.trim().toLowerCase() : '';
    if (['yes', 'on'].includes(word)) return true;
    if (['no', 'off'].includes(word)) return false;
    throw this.error(key, 'expected true or false');
  }

  /** The built object at `key`, which must carry one of `tags` (`'skrode/redis'`). */
  tagged<T>(key: string, tags: string | readonly string[]): T {
    const list = typeof tags === 'string' ? [tags] : tags;
    const want = list.map((t) => `!${t}`).join(' or ');
    if (!this.has(key)) throw this.error(undefined, `missing key ${JSON.stringify(key)} (${want})`);
    const v = this.raw[key];
    if (!(v instanceof Lazy) || !list.includes(v.tag)) throw this.error(key, `expected ${want}${v instanceof Lazy ? `, got !${v.tag}` : ''}`);
    return v.get() as T;
  }

  /** A source tag as the topology reads a worker: its kind and target, defaults, then its keys. */
  #workerOf(lazy: Lazy, worker: { type: string; target: string; defaults?: Readonly<Record<string, unknown>> }): Record<string, unknown> {
    const own = lazy.raw !== null && typeof lazy.raw === 'object' && !Array.isArray(lazy.raw) ? (lazy.raw as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const [k, value] of Object.entries({ type: worker.type, target: worker.target, ...worker.defaults, ...own })) {
      Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    }
    const info = this.source.positions.get(own);
    this.source.positions.set(out, { pos: info?.pos ?? lazy.pos, path: lazy.path, keys: new Map(info?.keys ?? []), items: [] });
    return out;
  }

  #missing<T>(key: string, fallback: T | undefined): T {
    if (fallback !== undefined) return fallback;
    throw this.error(undefined, `missing key ${JSON.stringify(key)}`);
  }

  #wrap(v: unknown, path: KeyPath): unknown {
    if (v instanceof Lazy) return v.get();
    if (Array.isArray(v)) return v.map((item, i) => this.#wrap(item, [...path, i]));
    if (v !== null && typeof v === 'object' && !tagOf(v) && Object.getPrototypeOf(v) === Object.prototype) return new ConfigSection(this.source, v as Record<string, unknown>, path);
    return v;
  }

  toJSON(): unknown {
    return this.raw;
  }
}

function resolveDeep(v: unknown, seen = new Map<object, unknown>()): unknown {
  if (v instanceof Lazy) return v.get();
  if (v === null || typeof v !== 'object') return v;
  // Aliased plain mappings resolve to one shared object, as they were parsed.
  if (seen.has(v)) return seen.get(v);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    seen.set(v, out);
    for (const item of v) out.push(resolveDeep(item, seen));
    return out;
  }
  if (Object.getPrototypeOf(v) !== Object.prototype) return v;
  const out: Record<string, unknown> = {};
  seen.set(v, out);
  for (const [k, item] of Object.entries(v)) Object.defineProperty(out, k, { value: resolveDeep(item, seen), enumerable: true, writable: true, configurable: true });
  return out;
}
