// `!skrode/redis {host, port, db, password}` (the original's StrictRedis keys) or `{url}`: a plain
// descriptor; the queue module connects (lazily) with redisOptions(descriptor).
import { boolean, integer, object, optional, string, url } from '../fields.js';
import { registerTag } from '../registry.js';

export interface RedisDescriptor {
  kind: 'redis';
  host: string;
  port: number;
  db: number;
  username?: string;
  password?: string;
  tls?: boolean;
  /** A key prefix for everything Skrode stores in this Redis (lets tests and tenants share one). */
  prefix?: string;
}

const shape = object({
  url: optional(url(['redis:', 'rediss:'])),
  host: optional(string({ nonEmpty: true })),
  port: optional(integer({ min: 1, max: 65535 })),
  db: optional(integer({ min: 0, max: 1_000_000 })),
  username: optional(string()),
  password: optional(string()),
  tls: optional(boolean()),
  prefix: optional(string({ nonEmpty: true })),
});

export const redisTag = registerTag({
  tag: 'skrode/redis',
  kinds: ['map'],
  summary: 'host, port, db, password, or url',
  secrets: ['password'],
  shape,
  build(v, ctx): RedisDescriptor {
    const out: RedisDescriptor = { kind: 'redis', host: 'localhost', port: 6379, db: 0 };
    if (v.url !== undefined) {
      for (const key of ['host', 'port'] as const) {
        if (v[key] !== undefined) throw ctx.error(`give either url or ${key}, not both`, [key]);
      }
      const u = new URL(v.url);
      if (u.hostname) out.host = u.hostname.replace(/^\[|\]$/g, '');
      if (u.port) out.port = Number(u.port);
      const db = u.pathname.replace(/^\//, '');
      if (db !== '') {
        if (!/^\d+$/.test(db)) throw ctx.error(`the url's path must be a database number, not ${JSON.stringify(db)}`, ['url']);
        out.db = Number(db);
      }
      if (u.username) out.username = decodeURIComponent(u.username);
      if (u.password) out.password = decodeURIComponent(u.password);
      if (u.protocol === 'rediss:') out.tls = true;
    } else {
      if (v.host !== undefined) out.host = v.host;
      if (v.port !== undefined) out.port = v.port;
    }
    if (v.db !== undefined) out.db = v.db;
    if (v.username !== undefined) out.username = v.username;
    if (v.password !== undefined) out.password = v.password;
    if (v.tls !== undefined) out.tls = v.tls;
    if (v.prefix !== undefined) out.prefix = v.prefix;
    return out;
  },
});

/** Options for `new Redis(...)` (ioredis) from a descriptor; the caller adds its own (e.g.
 *  maxRetriesPerRequest: null for BullMQ workers). */
export function redisOptions(d: RedisDescriptor): { host: string; port: number; db: number; username?: string; password?: string; tls?: object } {
  const out: { host: string; port: number; db: number; username?: string; password?: string; tls?: object } = { host: d.host, port: d.port, db: d.db };
  if (d.username !== undefined) out.username = d.username;
  if (d.password !== undefined) out.password = d.password;
  if (d.tls) out.tls = {};
  return out;
}
