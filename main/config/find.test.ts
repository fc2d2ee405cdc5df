// Which config is used: -c FILE, ./config.yml, <data folder>/config.yml, built-in defaults.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { findConfig, loadConfig } from './index.js';
import { tempDir, type TempDir } from './test-helpers.js';

let tmp: TempDir;
let cwd: string;
let home: string;
let env: Record<string, string>;
beforeEach(() => {
  tmp = tempDir();
  cwd = path.join(tmp.dir, 'work');
  home = path.join(tmp.dir, 'skrode-home');
  mkdirSync(cwd);
  env = { SKRODE_HOME: home };
});
afterEach(() => tmp.remove());

describe('config resolution order', () => {
  it('uses the built-in defaults when there is no config anywhere', () => {
    expect(findConfig({ cwd, env })).toEqual({ file: null, origin: 'defaults', dataDir: home });
    const c = loadConfig({ cwd, env });
    expect(c.origin).toBe('defaults');
    expect(c.configFile).toBeNull();
    expect(c.store()).toEqual({ kind: 'sqlite', path: path.join(home, 'skrode.db') });
    expect(c.reload).toEqual({ dataDir: home });
  });

  it('uses <data folder>/config.yml when there is no ./config.yml', () => {
    mkdirSync(home);
    tmp.write('skrode-home/config.yml', 'store: !skrode/sqlite people.db\n');
    const c = loadConfig({ cwd, env });
    expect(c.origin).toBe('data-dir');
    expect(c.configFile).toBe(path.join(home, 'config.yml'));
    expect(c.store()).toEqual({ kind: 'sqlite', path: path.join(home, 'people.db') });
  });

  it('prefers ./config.yml over the data folder', () => {
    mkdirSync(home);
    tmp.write('skrode-home/config.yml', 'store: !skrode/sqlite home.db\n');
    tmp.write('work/config.yml', 'store: !skrode/sqlite local.db\n');
    const c = loadConfig({ cwd, env });
    expect(c.origin).toBe('cwd');
    expect(c.store()).toEqual({ kind: 'sqlite', path: path.join(cwd, 'local.db') });
  });

  it('prefers -c FILE (relative to the working folder) over everything', () => {
    tmp.write('work/config.yml', 'store: !skrode/sqlite local.db\n');
    mkdirSync(path.join(cwd, 'etc'));
    tmp.write('work/etc/other.yml', 'store: !skrode/sqlite other.db\n');
    const c = loadConfig({ config: 'etc/other.yml', cwd, env });
    expect(c.origin).toBe('flag');
    expect(c.store()).toEqual({ kind: 'sqlite', path: path.join(cwd, 'etc', 'other.db') });
    expect(c.reload).toEqual({ config: path.join(cwd, 'etc', 'other.yml'), dataDir: home });
    // A worker loading with the reload options gets the same config.
    expect(loadConfig({ ...c.reload, env }).store()).toEqual(c.store());
  });

  it('does not fall back when -c names a missing file', () => {
    tmp.write('work/config.yml', 'a: 1\n');
    expect(() => loadConfig({ config: 'missing.yml', cwd, env })).toThrow(/missing\.yml: config file not found/);
  });

  it('a ./config.yml that is a folder is not a config', () => {
    mkdirSync(path.join(cwd, 'config.yml'));
    expect(findConfig({ cwd, env }).origin).toBe('defaults');
  });
});
