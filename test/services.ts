// External services for tests (Postgres, Redis, Chromium, IRC, IMAP). Tests that need one run
// whenever it is reachable and say loudly when it is not. With SKRODE_REQUIRE_SERVICES=1 (set by
// .ci/run) a missing service fails the run instead of skipping.
import { Socket } from 'node:net';
import { existsSync } from 'node:fs';

export const PG_URL = process.env.SKRODE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.SKRODE_TEST_REDIS ?? 'redis://127.0.0.1:6379';

const required = process.env.SKRODE_REQUIRE_SERVICES === '1';

function tcpReachable(host: string, port: number, timeoutMs = 1500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = new Socket();
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('error', () => done(false));
    s.connect(port, host, () => done(true));
  });
}

const cache = new Map<string, Promise<boolean>>();

async function check(name: string, probe: () => Promise<boolean>): Promise<boolean> {
  let p = cache.get(name);
  if (!p) {
    p = probe();
    cache.set(name, p);
  }
  const ok = await p;
  if (!ok) {
    const msg = `SERVICE UNAVAILABLE: ${name} is not reachable; its tests are SKIPPED`;
    if (required) throw new Error(`${msg.replace('are SKIPPED', 'cannot run')} and SKRODE_REQUIRE_SERVICES=1`);
    process.stderr.write(`\n*** ${msg} ***\n\n`);
  }
  return ok;
}

export function postgresAvailable(): Promise<boolean> {
  const u = new URL(PG_URL);
  return check(`PostgreSQL at ${u.host}`, () => tcpReachable(u.hostname, Number(u.port || 5432)));
}

export function redisAvailable(): Promise<boolean> {
  const u = new URL(REDIS_URL);
  return check(`Redis at ${u.host}`, () => tcpReachable(u.hostname, Number(u.port || 6379)));
}

export const CHROMIUM_PATH = ['/usr/lib/chromium/chromium', '/usr/bin/chromium'].find((p) => existsSync(p));

export function chromiumAvailable(): Promise<boolean> {
  return check('Chromium (/usr/lib/chromium/chromium)', async () => CHROMIUM_PATH !== undefined);
}

export function binaryAvailable(name: string, path: string): Promise<boolean> {
  return check(`${name} (${path})`, async () => existsSync(path));
}

/** Remove every Redis key under `prefix:` (tests and benchmarks keep theirs under a random prefix). */
export async function deleteRedisPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  const { Redis } = await import('ioredis');
  const r = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    r.disconnect();
  }
}
