import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lazy, loadConfig, registerTag, fields, ConfigSection, tagOf, type Config } from './index.js';
import { configError, loadYaml, tempDir, type TempDir } from './test-helpers.js';

let tmp: TempDir;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

// A tag that counts how often it is built, to observe laziness and sharing.
let builds = 0;
registerTag({
  tag: 'test/counter',
  kinds: ['map'],
  shape: fields.object({ name: fields.string() }),
  build(v) {
    builds++;
    return { name: v.name, n: builds };
  },
});

describe('anchors and aliases', () => {
  it('share one Lazy and one built object between an anchor and its aliases', () => {
    const c = loadYaml(
      tmp,
      `redis: &redis !skrode/redis
  host: 127.0.0.1
  port: 6390
a: !skrode/queue {conn: *redis, key: a}
b: !skrode/queue {conn: *redis, key: b}
worker:
  source: *redis
`,
    );
    const a = c.queue('a');
    const b = c.queue('b');
    expect(a.conn).toBe(b.conn);
    expect(a.conn).toBe(c.redis());
    expect(c.section('worker').get('source')).toBe(c.redis());
    expect(c.section('worker').lazy('source')).toBe(c.lazy('redis'));
  });

  it('alias a tagged value that is itself anchored and aliased again (the seed README queue shape)', () => {
    const c = loadYaml(
      tmp,
      `redis: &redis !skrode/redis {}
q: &q !skrode/queue
  conn: *redis
  key: /queue/x
w1: {source: *q}
w2: {source: *q, extra: *q}
`,
    );
    const q = c.queue('q');
    expect(c.section('w1').get('source')).toBe(q);
    expect(c.section('w2').get('extra')).toBe(q);
    expect(c.resolve('w2')).toEqual({ source: q, extra: q });
  });

  it('aliases to plain mappings and lists, and << merge keys', () => {
    const c = loadYaml(
      tmp,
      `defaults: &defaults
  type: map
  replicas: 2
list: &list [a, b]
w:
  <<: *defaults
  replicas: 3
  names: *list
`,
    );
    expect(c.resolve('w')).toEqual({ type: 'map', replicas: 3, names: ['a', 'b'] });
    expect(c.section('w').position('type').line).toBe(2);
  });

  it('rejects an alias to an anchor that is not defined', () => {
    const e = configError(() => loadYaml(tmp, 'a: 1\nb: *nope\n'));
    expect(e.message).toMatch(/config\.yml:2:1: b: unknown alias \*nope/);
  });
});

describe('laziness', () => {
  it('builds nothing at load, builds on first get, then memoises', () => {
    builds = 0;
    const c = loadYaml(tmp, 'x: &x !test/counter {name: one}\ny: *x\nz: !test/counter {name: two}\n');
    expect(builds).toBe(0);
    const x = c.get('x');
    expect(builds).toBe(1);
    expect(c.get('x')).toBe(x);
    expect(c.get('y')).toBe(x);
    expect(builds).toBe(1);
    expect(c.lazy('z')!.isBuilt).toBe(false);
    c.get('z');
    expect(builds).toBe(2);
  });

  it('a redis on a dead port loads and yields its descriptor without connecting', () => {
    const c = loadYaml(tmp, 'redis: !skrode/redis {host: 127.0.0.1, port: 1}\n');
    expect(c.redis()).toEqual({ kind: 'redis', host: '127.0.0.1', port: 1, db: 0 });
  });

  it('an unset environment variable fails only when the object using it is built', () => {
    const c = loadYaml(tmp, 'redis: !skrode/redis\n  host: localhost\n  password: !skrode/env SKRODE_TEST_UNSET\n');
    const e = configError(() => c.redis());
    expect(e.message).toBe(`${tmp.dir}/config.yml:3:3: redis.password: environment variable SKRODE_TEST_UNSET is not set`);
    expect(e.line).toBe(3);
  });

  it('a failed build is not memoised: setting the variable and retrying works', () => {
    const env: Record<string, string | undefined> = {};
    const c = loadYaml(tmp, 'redis: !skrode/redis {password: !skrode/env PW}\n', env);
    expect(() => c.redis()).toThrow(/PW is not set/);
    env.PW = 'later';
    expect(c.redis().password).toBe('later');
  });
});

describe('secret redaction', () => {
  const env = { PG_PASSWORD: 's3cret-p@ss', TOKEN: 'bearer-abcdef', REDIS_PW: 'r3dis-pw' };
  let c: Config;
  beforeEach(() => {
    c = loadYaml(
      tmp,
      `sql: !skrode/sql
  hostname: db
  database: skrode
  username: me
  password: !skrode/env PG_PASSWORD
twitter: !skrode/twitter
  bearer_token: !skrode/env TOKEN
redis: &r !skrode/redis {password: !skrode/env REDIS_PW}
q: !skrode/queue {conn: *r, key: k}
plain: !skrode/redis {password: written-in-the-file}
`,
      env,
    );
  });

  it('keeps secrets usable on the descriptor', () => {
    expect(c.store()).toMatchObject({ kind: 'postgres', url: 'postgresql://me:s3cret-p%40ss@db:5432/skrode' });
    expect(c.twitter().bearerToken).toBe('bearer-abcdef');
    expect(c.queue('q').conn!.password).toBe('r3dis-pw');
  });

  it('never prints them through JSON.stringify, util.inspect, or String templates of resolved sections', () => {
    const printed = [
      JSON.stringify(c.store()),
      inspect(c.store()),
      JSON.stringify(c.twitter()),
      inspect(c.twitter(), { depth: 10 }),
      JSON.stringify(c.queue('q')),
      inspect(c.queue('q'), { depth: 10 }),
      JSON.stringify(c.resolve()),
      inspect(c.resolve(), { depth: 10 }),
      JSON.stringify(c.raw),
      inspect(c.raw, { depth: 10 }),
      JSON.stringify(c.get('plain')),
    ].join('\n');
    for (const secret of [...Object.values(env), encodeURIComponent(env.PG_PASSWORD), 'written-in-the-file']) expect(printed).not.toContain(secret);
    expect(printed).toContain('[redacted]');
    // The rest of the descriptor is still there to read.
    expect(JSON.parse(JSON.stringify(c.store()))).toEqual({ kind: 'postgres', url: 'postgresql://me:[redacted]@db:5432/skrode', schema: 'skrode' });
  });

  it('descriptors stay plain data: structuredClone (worker messages) copies the fields, not the hooks', () => {
    const copy = structuredClone(c.queue('q'));
    expect(copy).toEqual({ kind: 'queue', key: 'k', conn: { kind: 'redis', host: 'localhost', port: 6379, db: 0, password: 'r3dis-pw' } });
    expect(tagOf(copy)).toBeUndefined();
  });

  it('redacts in pino log lines', async () => {
    const { pino } = await import('pino');
    const lines: string[] = [];
    const log = pino({}, { write: (s: string) => lines.push(s) });
    log.info({ store: c.store(), twitter: c.twitter(), queue: c.queue('q') }, 'opened');
    const out = lines.join('');
    expect(out).toContain('opened');
    for (const secret of Object.values(env)) expect(out).not.toContain(secret);
  });
});

describe('sections and typed helpers', () => {
  it('get/has/keys/section/string/number/boolean, with errors at the key line', () => {
    const c = loadYaml(tmp, 'name: x\nport: 80\nflag: true\nnested:\n  a: 1\n  b: [1, {c: 2}]\n');
    expect(c.has('name')).toBe(true);
    expect(c.has('nope')).toBe(false);
    expect(c.has('toString')).toBe(false);
    expect(c.keys()).toEqual(['name', 'port', 'flag', 'nested']);
    expect(c.string('name')).toBe('x');
    expect(c.number('port')).toBe(80);
    expect(c.boolean('flag')).toBe(true);
    expect(loadYaml(tmp, 'a: yes\nb: Off\n').boolean('b')).toBe(false);
    expect(c.number('nope', 5)).toBe(5);
    const nested = c.get('nested');
    expect(nested).toBeInstanceOf(ConfigSection);
    const list = (nested as ConfigSection).get('b') as unknown[];
    expect(list[0]).toBe(1);
    expect((list[1] as ConfigSection).get('c')).toBe(2);
    expect(configError(() => c.number('name')).message).toBe(`${tmp.dir}/config.yml:1:1: name: expected a number`);
    expect(configError(() => c.section('nested').string('a' + 'x')).message).toMatch(/config\.yml:4:1: nested: missing key "ax"/);
    expect(configError(() => c.queue('name')).message).toMatch(/config\.yml:1:1: name: expected !skrode\/queue/);
    expect(configError(() => c.redis()).message).toMatch(/missing key "redis"/);
  });

  it('section().error() points other modules at the right line', () => {
    const c = loadYaml(tmp, 'workers:\n  - a\nw:\n  type: nonsense\n');
    const e = c.section('w').error('type', 'unknown worker type "nonsense"');
    expect(e.message).toBe(`${tmp.dir}/config.yml:4:3: w.type: unknown worker type "nonsense"`);
  });

  it('a __proto__ key is an ordinary key, not a prototype', () => {
    const c = loadYaml(tmp, '__proto__: {polluted: true}\nw:\n  __proto__: {x: 1}\n');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(c.has('__proto__')).toBe(true);
    expect((c.section('w').resolve() as Record<string, unknown>)['__proto__']).toEqual({ x: 1 });
  });

  it('an empty file is an empty config with the default store', () => {
    const c = loadYaml(tmp, '# nothing yet\n');
    expect(c.keys()).toEqual([]);
    expect(c.store()).toEqual({ kind: 'sqlite', path: path.join(tmp.dir, 'data', 'skrode.db') });
  });

  it('lists its tagged values and tells built objects apart', () => {
    const c = loadYaml(tmp, 'a: !skrode/redis {}\nb: !skrode/queue jobs\n');
    expect(c.lazies().map((l) => l.tag)).toEqual(['skrode/redis', 'skrode/queue']);
    expect(c.lazy('a')).toBeInstanceOf(Lazy);
    expect(tagOf(c.get('a'))).toBe('skrode/redis');
    expect(tagOf({ kind: 'redis' })).toBeUndefined();
  });
});

describe('the seed README config', () => {
  const fixture = fileURLToPath(new URL('./fixtures/seed-readme.yml', import.meta.url));
  const env = {
    FIXTURE_PG_PASSWORD: 'pg-pass',
    FIXTURE_TWITTER_CONSUMER_KEY: 'ck-value',
    FIXTURE_TWITTER_CONSUMER_SECRET: 'cs-value',
    FIXTURE_TWITTER_ACCESS_TOKEN: 'at-value',
    FIXTURE_TWITTER_ACCESS_SECRET: 'as-value',
  };

  it('loads without building or reading the environment', () => {
    const c = loadConfig({ config: fixture, env: {}, dataDir: tmp.dir });
    expect(c.keys()).toEqual(['twitter', 'sql', 'redis', 'twitter_user_id_queue', 'tweet_id_queue', 'twitter_home_timeline', 'twitter_user_ids', 'twitter_tweet_ids', 'workers']);
    expect(c.lazies().every((l) => !l.isBuilt)).toBe(true);
    expect(c.resolve('workers')).toEqual(['twitter_home_timeline', 'twitter_user_ids', 'twitter_tweet_ids']);
  });

  it('builds every object a worker section refers to, sharing the aliased ones', () => {
    const c = loadConfig({ config: fixture, env, dataDir: tmp.dir });
    const home = c.resolve('twitter_home_timeline') as Record<string, unknown>;
    const ids = c.resolve('twitter_tweet_ids') as Record<string, unknown>;
    expect(home.session).toBe(c.store());
    expect(home.twitter_api).toBe(c.twitter());
    expect(home.user_queue).toBe(c.queue('twitter_user_id_queue'));
    expect(ids.source).toBe(ids.tweet_id_queue);
    expect(c.store()).toEqual({ kind: 'postgres', url: 'postgresql://skrode:pg-pass@db.example.internal:5432/bbdb', schema: 'skrode' });
    expect(c.twitter()).toEqual({ kind: 'twitter', oauth1: { appKey: 'ck-value', appSecret: 'cs-value', accessToken: 'at-value', accessSecret: 'as-value' }, timeoutMs: 90_000, sleepOnRateLimit: true });
    expect(c.queue('tweet_id_queue')).toEqual({ kind: 'queue', conn: c.redis(), key: '/queue/twitter/tweet_ids/ready', inflight: '/queue/twitter/tweet_ids/inflight' });
    expect(home.stall_warnings).toBe(true);
  });
});
