// Helpers for the config tests: load YAML text as if it were a file, and catch ConfigErrors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from './config.js';
import { ConfigError } from './error.js';

export interface TempDir {
  dir: string;
  write(name: string, text: string | Buffer): string;
  remove(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(path.join(tmpdir(), 'skrode-config-'));
  return {
    dir,
    write(name, text) {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Write `text` to <tmp>/config.yml and load it with the given environment. */
export function loadYaml(tmp: TempDir, text: string, env: Record<string, string | undefined> = {}): Config {
  const file = tmp.write('config.yml', text);
  return loadConfig({ config: file, env, dataDir: path.join(tmp.dir, 'data'), cwd: tmp.dir });
}

export function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError, but nothing was thrown');
}
