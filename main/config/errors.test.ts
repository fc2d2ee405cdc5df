// Every way a config can be wrong fails with a ConfigError naming file, line, column and reason.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { ConfigError, loadConfig } from './index.js';
import { configError, loadYaml, tempDir, type TempDir } from './test-helpers.js';

let tmp: TempDir;
let file: string;
beforeEach(() => {
  tmp = tempDir();
  file = path.join(tmp.dir, 'config.yml');
});
afterEach(() => tmp.remove());

const fails = (text: string, env: Record<string, string> = {}) => configError(() => loadYaml(tmp, text, env));

describe('ConfigError', () => {
  it('is an Error named ConfigError with file, line, col, reason and key path', () => {
    const e = fails('a: 1\nredis: !skrode/redis\n  port: nope\n');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('ConfigError');
    expect(e.file).toBe(file);
    expect(e.line).toBe(3);
    expect(e.col).toBe(3);
    expect(e.keyPath).toBe('redis.port');
    expect(e.reason).toBe('expected an integer from 1 to 65535, got string "nope"');
    expect(e.message).toBe(`${file}:3:3: redis.port: expected an integer from 1 to 65535, got string "nope"`);
  });
});

describe('YAML syntax', () => {
  it('reports the line of a syntax error', () => {
    const e = fails('a: 1\nb: [1, 2\nc: 3\n');
    expect(e.message).toMatch(new RegExp(`^${file}:3:\\d+: YAML syntax error: `));
  });

  it('reports a bad indentation', () => {
    const e = fails('a:\n  b: 1\n c: 2\n');
    expect(e.line).toBe(3);
    expect(e.message).toContain('YAML syntax error');
  });

  it('rejects duplicate keys', () => {
    const e = fails('a: 1\nb: 2\na: 3\n');
    expect(e.line).toBe(3);
    expect(e.reason).toMatch(/YAML syntax error: Map keys must be unique/);
  });

  it('rejects several documents in one file', () => {
    expect(fails('a: 1\n---\nb: 2\n').reason).toMatch(/multiple documents/);
  });

  it('rejects a top level that is not a mapping', () => {
    expect(fails('- a\n- b\n').message).toMatch(/:1:1: the top level of a config file must be a mapping/);
    expect(fails('just a string\n').reason).toMatch(/must be a mapping/);
  });

  it('rejects keys that are not plain names', () => {
    expect(fails('? [a, b]\n: 1\n').reason).toMatch(/keys must be plain names/);
  });

  it('rejects a recursive alias', () => {
    const e = fails('a: &x\n  b: *x\n');
    expect(e.message).toMatch(/:2:3: a\.b: alias \*x refers to a value that contains it/);
  });
});

describe('tags', () => {
  it('rejects an unknown !skrode/ tag, listing the known ones', () => {
    const e = fails('a: 1\nq: !skrode/queu {key: x}\n');
    expect(e.message).toMatch(new RegExp(`^${file}:2:1: q: unknown tag !skrode/queu \\(known tags: .*!skrode/queue`));
  });

  it('rejects any other unknown local tag', () => {
    expect(fails('x: !other/thing 5\n').message).toMatch(/:1:1: x: unknown tag !other\/thing$/);
  });

  it('rejects an unknown standard tag', () => {
    expect(fails('x: !!nonsense 5\n').reason).toMatch(/unknown tag/);
  });

  it('rejects the wrong YAML form for a tag', () => {
    expect(fails('r: !skrode/redis localhost\n').message).toMatch(/:1:1: r: !skrode\/redis takes a mapping \(host, port, db, password, or url\), not a single value/);
    expect(fails('e: !skrode/env {nam: X}\n').message).toMatch(/:1:17: e\.nam: unknown key "nam"/);
    expect(fails('e: !skrode/env [X]\n').reason).toMatch(/takes a single value or a mapping/);
  });

  it('rejects a missing required key at the tag line', () => {
    const e = fails('x: 1\nq: !skrode/queue\n  conn: null\n  inflight: y\n');
    expect(e.message).toBe(`${file}:2:1: q: missing required key "key" (a non-empty string)`);
  });

  it('rejects a wrong type at the key line', () => {
    const e = fails('redis: !skrode/redis\n  host: localhost\n  db: [1]\n');
    expect(e.message).toBe(`${file}:3:3: redis.db: expected an integer from 0 to 1000000, got a list`);
  });

  it('rejects an unknown key (a typo) at its line', () => {
    const e = fails('sql: !skrode/sql\n  hostnam: db\n  database: x\n');
    expect(e.message).toMatch(new RegExp(`^${file}:2:3: sql\\.hostnam: unknown key "hostnam" \\(expected url, dialect, hostname`));
  });

  it('rejects a reference to the wrong kind of object', () => {
    const e = fails('sql: &sql !skrode/sql {database: x}\nq: !skrode/queue\n  key: k\n  conn: *sql\n');
    expect(e.message).toMatch(/:4:3: q\.conn: expected a !skrode\/redis object \(e\.g\. an alias like \*redis\), got !skrode\/sql/);
  });

  it('rejects an invalid environment variable name at load', () => {
    expect(fails('x: !skrode/env not-a-name\n').message).toMatch(/:1:1: x\.name: expected an environment variable name/);
  });

  it('reports an unset variable at build time at the key that uses it, even through an alias', () => {
    const c = loadYaml(tmp, 'pw: &pw !skrode/env SKRODE_TEST_NOPE\nredis: !skrode/redis\n  host: h\n  password: *pw\n');
    const e = configError(() => c.redis());
    expect(e.message).toBe(`${file}:4:3: redis.password: environment variable SKRODE_TEST_NOPE is not set`);
    // Asked for directly, it is reported where it is written.
    expect(configError(() => c.get('pw')).message).toBe(`${file}:1:1: pw: environment variable SKRODE_TEST_NOPE is not set`);
  });

  it('reports build-time rules (e.g. incomplete OAuth keys) at the tag', () => {
    const c = loadYaml(tmp, 'twitter: !skrode/twitter\n  consumer_key: a\n  consumer_secret: b\n');
    expect(configError(() => c.twitter()).message).toBe(`${file}:1:1: twitter: OAuth 1.0a needs all four keys; missing access_token_key, access_token_secret`);
  });
});

describe('files', () => {
  it('a -c file that does not exist', () => {
    const e = configError(() => loadConfig({ config: path.join(tmp.dir, 'nope.yml'), env: {} }));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe(`${path.join(tmp.dir, 'nope.yml')}: config file not found`);
  });

  it('a -c path that is a folder', () => {
    mkdirSync(path.join(tmp.dir, 'folder.yml'));
    expect(configError(() => loadConfig({ config: path.join(tmp.dir, 'folder.yml'), env: {} })).reason).toBe('not a file');
  });

  it('a file that is not UTF-8', () => {
    const bad = tmp.write('bad.yml', Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    expect(configError(() => loadConfig({ config: bad, env: {} })).reason).toBe('the config file is not UTF-8 text');
  });
});

describe('hostile files', () => {
  it('refuses absurd nesting before the parser recurses into it', () => {
    expect(fails('a: ' + '['.repeat(50_000) + ']'.repeat(50_000) + '\n').message).toMatch(/config\.yml:1:\d+: nested more than 64 levels deep/);
    expect(fails('a:\n' + '[\n'.repeat(10_000)).reason).toBe('nested more than 64 levels deep');
    const block = Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    expect(fails(block).reason).toBe('nested more than 64 levels deep');
    // Brackets inside strings and comments do not count.
    expect(loadYaml(tmp, `a: "${'['.repeat(500)}"\nb: 1 # ${'{'.repeat(500)}\n`).string('b')).toBe('1');
  });

  it('keeps a billion-laughs file small: aliases share, nothing is copied', () => {
    const lines = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 40; i++) lines.push(`l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(', ')}]`);
    const c = loadYaml(tmp, lines.join('\n') + '\n');
    const top = c.resolve('l39') as unknown[];
    expect(top).toHaveLength(10);
    expect(top[0]).toBe(top[9]);
  });
});
