// The tag registry: each `!skrode/<name>` tag in config.yml is defined once here, by the built-in
// tags (./tags/) or by a source module that brings its own (e.g. `!skrode/imap`). A tag says
// which YAML forms it takes, the shape of its value, and how to build its object on first use.
import { ConfigError, type KeyPath, type SourcePos } from './error.js';
import type { Field } from './fields.js';

export type TagKind = 'scalar' | 'map' | 'seq';

export interface BuildContext {
  /** The tag, without the `!`: `skrode/redis`. */
  readonly tag: string;
  /** Where the tagged value was written. */
  readonly pos: SourcePos;
  /** Its dotted key path, e.g. `twitter_user_ids.source`. */
  readonly keyPath: string;
  /** The config file's folder: relative paths in a config are relative to it. */
  readonly baseDir: string;
  /** The user's data folder (main/util/data-dir.ts). */
  readonly dataDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A ConfigError at the tagged value, or at one of its keys (`ctx.error('bad', ['port'])`). */
  error(reason: string, subpath?: KeyPath): ConfigError;
  /** `~/x`, relative (to the config file's folder) or absolute: an absolute path. */
  resolvePath(file: string): string;
}

/** Anything with zod's `safeParse` shape, for tags that prefer a zod schema to ./fields.ts. */
export interface SafeParseSchema<V> {
  safeParse(value: unknown): { success: true; data: V } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

export interface TagDefinition<T = unknown, V = unknown> {
  /** Without the `!`: `skrode/twitter`. */
  tag: string;
  /** YAML forms accepted: `!skrode/env NAME` is a scalar, `!skrode/redis {host, port}` a map. */
  kinds: readonly TagKind[];
  /** One line for messages: "host, port, db, password or url". */
  summary?: string;
  /** Turns the scalar form into the value the shape expects (`!skrode/queue jobs` → {key: 'jobs'}). */
  fromScalar?: (text: string) => unknown;
  /** Checked at load time (so typos fail early) and again on the concrete values at build time. */
  shape?: Field<V>;
  schema?: SafeParseSchema<V>;
  /** Builds the object. Called on first use only, then memoised; must not connect to anything
   *  that a plain descriptor could describe instead. */
  build: (value: V, ctx: BuildContext) => T;
  /** Keys (at any depth) whose values are secrets: redacted in toJSON and inspect. */
  secrets?: readonly string[];
  /** A secret source (`!skrode/env`, `!skrode/keychain`): nested in another tag's value, it stands
   *  for the string it yields, resolved when that other object is built. */
  secretSource?: boolean;
  /** A source the user can add from the Sources page (a form derived from `shape`). */
  source?: SourceKind;
}

/**
 * How a source tag appears on the Sources page and, when it runs as a topology worker, which
 * worker it is: a top-level `name: !skrode/feeds {...}` listed in `workers:` is read by the
 * topology as the mapping `{type, target, ...defaults, ...the tag's keys}` (ConfigSection.section).
 */
export interface SourceKind {
  /** "Web feeds (RSS, Atom, JSON Feed)". */
  label: string;
  /** One sentence for the form. */
  description: string;
  /** The suggested key for a new one (`feeds`, `imap`). */
  suggestedKey: string;
  worker?: { type: 'map' | 'custom' | 'periodic'; target: string; defaults?: Readonly<Record<string, unknown>> };
  /** Per key: a label and a hint for the form (keys without one are labelled by their name). */
  fields?: Readonly<Record<string, { label?: string; hint?: string }>>;
}

// The registry stores definitions of any value type; callers get their own type back.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyTagDefinition = TagDefinition<unknown, any>;

const registry = new Map<string, AnyTagDefinition>();

const TAG_NAME = /^[a-z][a-z0-9_-]*\/[a-z][a-z0-9_.-]*$/;

/**
 * Define a tag. Registering the same tag twice is an error unless `replace` is set (a source
 * module may replace a built-in tag's builder, keeping its YAML keys).
 */
export function registerTag<T, V>(def: TagDefinition<T, V>, options: { replace?: boolean } = {}): TagDefinition<T, V> {
  const tag = def.tag.replace(/^!/, '');
  if (!TAG_NAME.test(tag)) throw new Error(`registerTag: bad tag name ${JSON.stringify(def.tag)} (want e.g. "skrode/redis")`);
  if (def.kinds.length === 0) throw new Error(`registerTag: ${tag} accepts no YAML form`);
  if (registry.has(tag) && !options.replace) throw new Error(`registerTag: !${tag} is already registered`);
  const stored = { ...def, tag };
  registry.set(tag, stored);
  return stored;
}

export function getTag(tag: string): AnyTagDefinition | undefined {
  return registry.get(tag.replace(/^!/, ''));
}

export function knownTags(): string[] {
  return [...registry.keys()].sort();
}

/** The tags the user can add as sources, by label. */
export function sourceTags(): AnyTagDefinition[] {
  return [...registry.values()].filter((d) => d.source !== undefined).sort((a, b) => a.source!.label.localeCompare(b.source!.label));
}
