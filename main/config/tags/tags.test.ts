// The built-in tags: what each builds from each accepted form, and what each rejects.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import path from 'node:path';
import { homedir } from 'node:os';
import { keychainRefs, redisOptions, setKeychainResolver } from '../index.js';
import { configError, loadYaml, tempDir, type TempDir } from '../test-helpers.js';

let tmp: TempDir;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

const load = (text: string, env: Record<string, string> = {}) => loadYaml(tmp, text, env);

describe('!skrode/env', () => {
  it('reads a variable (scalar form) when built', () => {
    expect(load('x: !skrode/env SKRODE_X\n', { SKRODE_X: 'hello' }).get('x')).toBe('hello');
  });

  it('takes a default (map form), used when the variable is unset or empty', () => {
    const c = load('x: !skrode/env {name: SKRODE_X, default: fallback}\n', { SKRODE_X: '' });
    expect(c.get('x')).toBe('fallback');
  });

  it('feeds numbers through the environment into integer keys', () => {
    expect(load('r: !skrode/redis {port: !skrode/env RP}\n', { RP: '6391' }).redis('r').port).toBe(6391);
    const bad = load('r: !skrode/redis\n  port: !skrode/env RP\n', { RP: 'not-a-port' });
    // The value itself is not echoed: it came from the environment and may be a secret.
    expect(configError(() => bad.redis('r')).message).toMatch(/:2:3: r\.port: expected an integer from 1 to 65535, got a string$/);
  });
});

describe('!skrode/keychain', () => {
  afterEach(() => setKeychainResolver(undefined));

  it('is an error outside the desktop app, suggesting !skrode/env', () => {
    const c = load('r: !skrode/redis\n  password: !skrode/keychain redis-password\n');
    expect(configError(() => c.redis('r')).message).toMatch(/:2:3: r\.password: keychain secret skrode\/redis-password can only be read by the desktop app; here, give it with !skrode\/env NAME instead/);
  });

  it('reads through the resolver the desktop app installs', () => {
    const asked: unknown[] = [];
    setKeychainResolver((ref) => {
      asked.push(ref);
      return ref.account === 'tw' ? 'from-keychain' : undefined;
    });
    const c = load('t: !skrode/twitter {bearer_token: !skrode/keychain {service: x, account: tw}}\nu: !skrode/keychain missing\n');
    expect(c.twitter('t').bearerToken).toBe('from-keychain');
    expect(asked).toEqual([{ service: 'x', account: 'tw' }]);
    expect(configError(() => c.get('u')).reason).toBe('no secret skrode/missing in the keychain');
    expect(c.lazy('u')!.raw).toBe('missing');
    expect(keychainRefs(c)).toEqual([
      { service: 'x', account: 'tw' },
      { service: 'skrode', account: 'missing' },
    ]);
  });
});

describe('!skrode/sqlite', () => {
  it('defaults to skrode.db in the data folder', () => {
    expect(load('store: !skrode/sqlite\n').store()).toEqual({ kind: 'sqlite', path: path.join(tmp.dir, 'data', 'skrode.db') });
    expect(load('store: !skrode/sqlite {}\n').store()).toEqual({ kind: 'sqlite', path: path.join(tmp.dir, 'data', 'skrode.db') });
  });

  it('resolves a relative path against the config file, and ~ against home', () => {
    expect(load('store: !skrode/sqlite db/people.db\n').store()).toEqual({ kind: 'sqlite', path: path.join(tmp.dir, 'db', 'people.db') });
    expect(load('store: !skrode/sqlite {path: ~/p.db}\n').store()).toEqual({ kind: 'sqlite', path: path.join(homedir(), 'p.db') });
    expect(load('store: !skrode/sqlite {path: /abs/p.db}\n').store()).toEqual({ kind: 'sqlite', path: '/abs/p.db' });
  });
});

describe('!skrode/sql', () => {
  it('builds a URL from the original keys, escaping user and password', () => {
    const c = load('sql: !skrode/sql\n  dialect: postgresql+psycopg2\n  hostname: db.local\n  port: 5433\n  username: me@home\n  password: "p:ss/w@rd"\n  database: bbdb\n');
    expect(c.store()).toEqual({ kind: 'postgres', url: 'postgresql://me%40home:p%3Ass%2Fw%40rd@db.local:5433/bbdb', schema: 'skrode' });
    const store = c.store();
    expect(store.kind === 'postgres' && decodeURIComponent(new URL(store.url).password)).toBe('p:ss/w@rd');
  });

  it('defaults host and port, and allows no user (trust or peer auth)', () => {
    expect(load('sql: !skrode/sql {database: x, schema: mine, max: 8}\n').store()).toEqual({ kind: 'postgres', url: 'postgresql://localhost:5432/x', schema: 'mine', max: 8 });
  });

  it('takes a url, with an optional separate password', () => {
    const c = load('store: !skrode/sql\n  url: postgres://u@127.0.0.1:5432/test\n  password: !skrode/env PGPW\n', { PGPW: 'a b' });
    expect(c.store()).toEqual({ kind: 'postgres', url: 'postgres://u:a%20b@127.0.0.1:5432/test', schema: 'skrode' });
  });

  it('rejects what it cannot use', () => {
    expect(configError(() => load('sql: !skrode/sql {dialect: mysql, database: x}\n').store()).reason).toMatch(/dialect "mysql" is not supported.*!skrode\/sqlite/);
    expect(configError(() => load('sql: !skrode/sql\n  url: postgres://h/x\n  hostname: h\n').store()).message).toMatch(/:3:3: sql\.hostname: give either url or hostname/);
    expect(configError(() => load('sql: !skrode/sql {hostname: h}\n').store()).reason).toMatch(/missing required key "database"/);
    expect(configError(() => load('sql: !skrode/sql {url: "mysql://h/x"}\n')).reason).toMatch(/expected a postgres:\/\/ or postgresql:\/\/ URL/);
    expect(configError(() => load('sql: !skrode/sql {database: x, schema: Bad-Name}\n')).reason).toMatch(/expected a schema name/);
    expect(configError(() => load('sql: !skrode/sql {url: "postgres://u:pw@h/x", password: other}\n').store()).reason).toMatch(/already has a password/);
  });

  it('the store key must be a store', () => {
    expect(configError(() => load('store: !skrode/redis {}\n').store()).message).toMatch(/:1:1: store: expected !skrode\/sqlite or !skrode\/sql, got !skrode\/redis/);
    // store: wins over the original's sql:
    expect(load('store: !skrode/sqlite a.db\nsql: !skrode/sql {database: x}\n').store().kind).toBe('sqlite');
  });
});

describe('!skrode/redis', () => {
  it('has the original defaults', () => {
    expect(load('redis: !skrode/redis {}\n').redis()).toEqual({ kind: 'redis', host: 'localhost', port: 6379, db: 0 });
  });

  it('takes host, port, db, password, tls, prefix', () => {
    const r = load('redis: !skrode/redis {host: r.local, port: 6380, db: 3, username: u, password: pw, tls: yes, prefix: "skrode:"}\n').redis();
    expect(r).toEqual({ kind: 'redis', host: 'r.local', port: 6380, db: 3, username: 'u', password: 'pw', tls: true, prefix: 'skrode:' });
    expect(redisOptions(r)).toEqual({ host: 'r.local', port: 6380, db: 3, username: 'u', password: 'pw', tls: {} });
  });

  it('parses a url', () => {
    expect(load('redis: !skrode/redis {url: "rediss://:p%40w@cache:7000/2"}\n').redis()).toEqual({ kind: 'redis', host: 'cache', port: 7000, db: 2, password: 'p@w', tls: true });
    expect(configError(() => load('redis: !skrode/redis {url: "redis://h/x"}\n').redis()).reason).toMatch(/database number/);
    expect(configError(() => load('redis: !skrode/redis {url: "redis://h", host: h}\n').redis()).reason).toMatch(/either url or host/);
  });
});

describe('!skrode/queue', () => {
  it('takes the original keys, with conn an alias to a redis', () => {
    const c = load('redis: &redis !skrode/redis {}\nq: !skrode/queue\n  conn: *redis\n  key: /queue/a/ready\n  inflight: /queue/a/inflight\n  indirect: true\n');
    expect(c.queue('q')).toEqual({ kind: 'queue', conn: c.redis(), key: '/queue/a/ready', inflight: '/queue/a/inflight' });
  });

  it('has a scalar form naming a local queue', () => {
    expect(load('q: !skrode/queue jobs\n').queue('q')).toEqual({ kind: 'queue', key: 'jobs' });
  });

  it('checks attempts and backoff and keeps other options for the queue module', () => {
    const c = load('q: !skrode/queue {key: k, attempts: 5, backoff: {type: exponential, delay: 100}, lease_ms: 30000}\nr: !skrode/queue {key: k, backoff: 250}\n');
    expect(c.queue('q')).toEqual({ kind: 'queue', key: 'k', attempts: 5, backoff: { type: 'exponential', delay: 100 }, lease_ms: 30000 });
    expect(c.queue('r').backoff).toBe(250);
    expect(configError(() => load('q: !skrode/queue {key: k, backoff: {type: linear, delay: 1}}\n')).reason).toMatch(/expected an integer of at least 0 or a mapping/);
    expect(configError(() => load('q: !skrode/queue {key: k, attempts: 0}\n')).reason).toMatch(/from 1 to/);
  });
});

describe('!skrode/twitter', () => {
  it('takes the original OAuth 1.0a keys', () => {
    const t = load('t: !skrode/twitter {consumer_key: a, consumer_secret: b, access_token_key: c, access_token_secret: d, timeout: 1.5, tweet_mode: extended}\n').twitter('t');
    expect(t).toEqual({ kind: 'twitter', oauth1: { appKey: 'a', appSecret: 'b', accessToken: 'c', accessSecret: 'd' }, timeoutMs: 1500, tweetMode: 'extended' });
  });

  it('takes a bearer token and an API root for tests', () => {
    expect(load('t: !skrode/twitter {bearer_token: tok, base_url: "http://127.0.0.1:9999/"}\n').twitter('t')).toEqual({ kind: 'twitter', bearerToken: 'tok', baseUrl: 'http://127.0.0.1:9999/' });
  });

  it('needs some credentials', () => {
    expect(configError(() => load('t: !skrode/twitter {timeout: 5}\n').twitter('t')).reason).toMatch(/needs either bearer_token or the four OAuth 1.0a keys/);
  });
});
