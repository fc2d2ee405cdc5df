import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { dataDir, ensureDataDir, expandHome } from './data-dir.js';

describe('dataDir', () => {
  it('SKRODE_HOME wins on every platform, resolved against the working folder', () => {
    for (const platform of ['linux', 'darwin'] as const) {
      expect(dataDir({ platform, env: { SKRODE_HOME: '/srv/skrode', XDG_DATA_HOME: '/x' }, home: '/home/u' })).toBe('/srv/skrode');
      expect(dataDir({ platform, env: { SKRODE_HOME: 'rel' }, home: '/home/u', cwd: '/work' })).toBe('/work/rel');
      expect(dataDir({ platform, env: { SKRODE_HOME: '~/sk' }, home: '/home/u' })).toBe('/home/u/sk');
    }
    expect(dataDir({ platform: 'win32', env: { SKRODE_HOME: 'D:\\Skrode', APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, home: 'C:\\Users\\u' })).toBe('D:\\Skrode');
  });

  it('Linux: $XDG_DATA_HOME/skrode, else ~/.local/share/skrode; a relative XDG_DATA_HOME is ignored', () => {
    expect(dataDir({ platform: 'linux', env: { XDG_DATA_HOME: '/data' }, home: '/home/u' })).toBe('/data/skrode');
    expect(dataDir({ platform: 'linux', env: {}, home: '/home/u' })).toBe('/home/u/.local/share/skrode');
    expect(dataDir({ platform: 'linux', env: { XDG_DATA_HOME: 'relative' }, home: '/home/u' })).toBe('/home/u/.local/share/skrode');
    expect(dataDir({ platform: 'linux', env: { SKRODE_HOME: '' }, home: '/home/u' })).toBe('/home/u/.local/share/skrode');
  });

  it('macOS: ~/Library/Application Support/Skrode', () => {
    expect(dataDir({ platform: 'darwin', env: { XDG_DATA_HOME: '/ignored' }, home: '/Users/u' })).toBe('/Users/u/Library/Application Support/Skrode');
  });

  it('Windows: %APPDATA%\\Skrode', () => {
    expect(dataDir({ platform: 'win32', env: { APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, home: 'C:\\Users\\u' })).toBe('C:\\Users\\u\\AppData\\Roaming\\Skrode');
    expect(dataDir({ platform: 'win32', env: {}, home: 'C:\\Users\\u' })).toBe('C:\\Users\\u\\AppData\\Roaming\\Skrode');
  });

  it('the environment HOME is the default home', () => {
    expect(dataDir({ platform: 'linux', env: { HOME: '/home/h' } })).toBe('/home/h/.local/share/skrode');
  });
});

describe('ensureDataDir', () => {
  let tmp: string | undefined;
  afterEach(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('creates the folder, private to the user', () => {
    tmp = mkdtempSync(path.join(tmpdir(), 'skrode-dd-'));
    const dir = ensureDataDir(path.join(tmp, 'a', 'skrode'));
    expect(statSync(dir).isDirectory()).toBe(true);
    if (process.platform !== 'win32') expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(ensureDataDir(dir)).toBe(dir); // idempotent
  });
});

describe('expandHome', () => {
  it('expands ~ and ~/ only', () => {
    expect(expandHome('~', '/h')).toBe('/h');
    expect(expandHome('~/x/y', '/h')).toBe('/h/x/y');
    expect(expandHome('~user/x', '/h')).toBe('~user/x');
    expect(expandHome('/a/~/b', '/h')).toBe('/a/~/b');
  });
});
