// Which config file to use: `-c FILE`; else ./config.yml; else <data folder>/config.yml; else none
// (built-in single-user defaults).
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { dataDir as defaultDataDir, expandHome } from '../util/data-dir.js';
import { ConfigError } from './error.js';

export type ConfigOrigin = 'flag' | 'cwd' | 'data-dir' | 'defaults';

export interface FindConfigOptions {
  /** The `-c/--config` value. */
  config?: string | undefined;
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Overrides the data folder (otherwise dataDir() from the environment). */
  dataDir?: string;
}

export interface FoundConfig {
  /** Absolute path, or null for the built-in defaults. */
  file: string | null;
  origin: ConfigOrigin;
  dataDir: string;
}

export const CONFIG_FILE_NAME = 'config.yml';

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export function findConfig(options: FindConfigOptions = {}): FoundConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const data = options.dataDir ?? defaultDataDir({ env, cwd });
  if (options.config !== undefined && options.config !== '') {
    const file = path.resolve(cwd, expandHome(options.config));
    if (!existsSync(file)) throw new ConfigError({ file, line: 0, col: 0 }, 'config file not found');
    if (!isFile(file)) throw new ConfigError({ file, line: 0, col: 0 }, 'not a file');
    return { file, origin: 'flag', dataDir: data };
  }
  const local = path.join(cwd, CONFIG_FILE_NAME);
  if (isFile(local)) return { file: local, origin: 'cwd', dataDir: data };
  const user = path.join(data, CONFIG_FILE_NAME);
  if (isFile(user)) return { file: user, origin: 'data-dir', dataDir: data };
  return { file: null, origin: 'defaults', dataDir: data };
}
