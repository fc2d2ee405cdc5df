// A loaded config.yml. Loading parses and checks; nothing is built (nothing connects) until a
// value is asked for. Workers load the config themselves from `config.reload` options.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import './tags/index.js';
import { ConfigError } from './error.js';
import { findConfig, type ConfigOrigin, type FindConfigOptions } from './find.js';
import { Lazy, type ConfigSource } from './lazy.js';
import { parseConfigText } from './parse.js';
import { ConfigSection } from './section.js';
import type { PostgresDescriptor } from './tags/sql.js';
import type { QueueDescriptor } from './tags/queue.js';
import type { RedisDescriptor } from './tags/redis.js';
import { DEFAULT_SQLITE_FILE, type SqliteDescriptor } from './tags/sqlite.js';
import type { TwitterDescriptor } from './tags/twitter.js';

export type StoreDescriptor = SqliteDescriptor | PostgresDescriptor;

/** The largest config file we read; anything bigger is not a hand-written config. */
const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

export interface LoadConfigOptions extends FindConfigOptions {
  /** The environment secrets are read from (default process.env). */
  env?: Record<string, string | undefined>;
}

export class Config extends ConfigSection {
  constructor(
    source: ConfigSource,
    root: Record<string, unknown>,
    /** The file read, or null for the built-in defaults. */
    readonly configFile: string | null,
    readonly origin: ConfigOrigin,
  ) {
    super(source, root, []);
  }

  get dataDir(): string {
    return this.source.dataDir;
  }

  /** What a worker passes to loadConfig to load the same config for itself. */
  get reload(): { config?: string; dataDir: string } {
    return this.configFile ? { config: this.configFile, dataDir: this.source.dataDir } : { dataDir: this.source.dataDir };
  }

  /**
   * The store to open: the `store:` key (a !skrode/sqlite or !skrode/sql), else the original's
   * top-level `sql:`, else SQLite in the data folder.
   */
  store(): StoreDescriptor {
    for (const key of ['store', 'sql']) {
      if (this.has(key)) return this.tagged<StoreDescriptor>(key, ['skrode/sqlite', 'skrode/sql']);
    }
    return { kind: 'sqlite', path: path.join(this.source.dataDir, DEFAULT_SQLITE_FILE) };
  }

  redis(key = 'redis'): RedisDescriptor {
    return this.tagged<RedisDescriptor>(key, 'skrode/redis');
  }

  queue(key: string): QueueDescriptor {
    return this.tagged<QueueDescriptor>(key, 'skrode/queue');
  }

  twitter(key = 'twitter'): TwitterDescriptor {
    return this.tagged<TwitterDescriptor>(key, 'skrode/twitter');
  }

  /** Every tagged value, e.g. to list what a config defines. */
  lazies(): Lazy[] {
    return [...this.#lazies];
  }
  #lazies: Lazy[] = [];

  /** @internal */
  static create(source: ConfigSource, text: string, configFile: string | null, origin: ConfigOrigin): Config {
    const parsed = parseConfigText(text, source);
    // Check every tagged value's shape now, so a typo fails at startup rather than at first use.
    for (const lazy of parsed.lazies) lazy.validate();
    const config = new Config(source, parsed.root, configFile, origin);
    config.#lazies = parsed.lazies;
    return config;
  }
}

/** Load config text (tests, the desktop app's editor). `file` names it in error messages. */
export function loadConfigText(text: string, options: { file?: string; baseDir?: string; dataDir: string; env?: Record<string, string | undefined> }): Config {
  const file = options.file ?? '<config>';
  const source: ConfigSource = {
    file,
    baseDir: options.baseDir ?? (options.file ? path.dirname(path.resolve(options.file)) : process.cwd()),
    dataDir: options.dataDir,
    env: options.env ?? process.env,
    positions: new WeakMap(),
  };
  return Config.create(source, text, options.file ? path.resolve(options.file) : null, options.file ? 'flag' : 'defaults');
}

/**
 * Find and load the config: `-c FILE`, ./config.yml, <data folder>/config.yml, or the built-in
 * defaults (an empty config: the store is SQLite in the data folder).
 */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const found = findConfig(options);
  const env = options.env ?? process.env;
  if (found.file === null) {
    const source: ConfigSource = { file: '<defaults>', baseDir: found.dataDir, dataDir: found.dataDir, env, positions: new WeakMap() };
    return Config.create(source, '', null, 'defaults');
  }
  const text = readConfigFile(found.file);
  const source: ConfigSource = { file: found.file, baseDir: path.dirname(found.file), dataDir: found.dataDir, env, positions: new WeakMap() };
  return Config.create(source, text, found.file, found.origin);
}

function readConfigFile(file: string): string {
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch (e) {
    throw new ConfigError({ file, line: 0, col: 0 }, `cannot read the config file: ${(e as Error).message}`, undefined, { cause: e });
  }
  if (buf.length > MAX_CONFIG_BYTES) throw new ConfigError({ file, line: 0, col: 0 }, `config file is ${buf.length} bytes; more than ${MAX_CONFIG_BYTES} is not a config`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new ConfigError({ file, line: 0, col: 0 }, 'the config file is not UTF-8 text');
  }
}
