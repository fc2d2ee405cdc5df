// The shipped example configs load, and every object in them builds.
import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { loadConfig } from './index.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
const env = Object.fromEntries(
  ['SKRODE_PG_PASSWORD', 'SKRODE_REDIS_PASSWORD', 'SKRODE_TWITTER_BEARER_TOKEN', 'SKRODE_TWITTER_CONSUMER_KEY', 'SKRODE_TWITTER_CONSUMER_SECRET', 'SKRODE_TWITTER_ACCESS_TOKEN', 'SKRODE_TWITTER_ACCESS_SECRET'].map((k) => [k, `value-of-${k}`]),
);

describe('examples/config.sqlite.yml', () => {
  it('loads and builds: a SQLite store beside the file, local queues', () => {
    const c = loadConfig({ config: path.join(examples, 'config.sqlite.yml'), env, dataDir: '/nonexistent' });
    for (const lazy of c.lazies()) lazy.get();
    expect(c.store()).toEqual({ kind: 'sqlite', path: path.join(examples, 'skrode.db') });
    expect(c.queue('twitter_user_id_queue')).toEqual({ kind: 'queue', key: 'twitter/user_ids' });
    expect(c.queue('tweet_id_queue').conn).toBeUndefined();
    expect(c.twitter().bearerToken).toBe('value-of-SKRODE_TWITTER_BEARER_TOKEN');
  });
});

describe('examples/config.multihost.yml', () => {
  it('loads and builds: Postgres store, queues on one shared Redis', () => {
    const c = loadConfig({ config: path.join(examples, 'config.multihost.yml'), env, dataDir: '/nonexistent' });
    for (const lazy of c.lazies()) lazy.get();
    expect(c.store()).toBe(c.get('sql'));
    expect(c.store()).toEqual({ kind: 'postgres', url: 'postgresql://skrode:value-of-SKRODE_PG_PASSWORD@db.example.internal:5432/skrode', schema: 'skrode' });
    expect(c.queue('tweet_id_queue').conn).toBe(c.redis());
    expect(c.queue('twitter_user_id_queue').conn).toBe(c.redis());
    expect(c.redis().password).toBe('value-of-SKRODE_REDIS_PASSWORD');
    expect(c.resolve('defaults')).toEqual({ session: c.store(), twitter_api: c.twitter() });
  });

  it('loads without any secret in the environment (secrets are read on use)', () => {
    const c = loadConfig({ config: path.join(examples, 'config.multihost.yml'), env: {}, dataDir: '/nonexistent' });
    expect(() => c.store()).toThrow(/config\.multihost\.yml:\d+:\d+: sql\.password: environment variable SKRODE_PG_PASSWORD is not set/);
  });
});
