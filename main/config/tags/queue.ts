// `!skrode/queue {conn, key, inflight}` as in the original's topology configs, or `!skrode/queue
// NAME`. A plain descriptor; main/queue builds the real queue from it. Without `conn` the queue
// is the single-user job queue inside the SQLite store. Options beyond the ones checked here
// are kept as written, for the queue module to judge.
import { boolean, either, integer, object, oneOf, optional, ref, string } from '../fields.js';
import { registerTag } from '../registry.js';
import type { RedisDescriptor } from './redis.js';

export type Backoff = number | { type: 'fixed' | 'exponential'; delay: number };

export interface QueueDescriptor {
  kind: 'queue';
  /** The Redis holding the queue; absent for the local (SQLite) job queue. */
  conn?: RedisDescriptor;
  /** The queue's name (the original's Redis list key). */
  key: string;
  /** The original's in-flight list key (kept for compatibility). */
  inflight?: string;
  /** Deliveries before a job is dead-lettered. */
  attempts?: number;
  /** Milliseconds between retries, or a {type, delay} policy. */
  backoff?: Backoff;
  [option: string]: unknown;
}

const shape = object(
  {
    conn: optional(ref<RedisDescriptor>('skrode/redis')),
    key: string({ nonEmpty: true }),
    inflight: optional(string({ nonEmpty: true })),
    // The original accepted and ignored `indirect`.
    indirect: optional(boolean()),
    attempts: optional(integer({ min: 1, max: 1_000_000 })),
    backoff: optional(either(integer({ min: 0 }), object({ type: oneOf(['fixed', 'exponential'] as const), delay: integer({ min: 0 }) }))),
  },
  { extra: 'keep' },
);

export const queueTag = registerTag({
  tag: 'skrode/queue',
  kinds: ['scalar', 'map'],
  summary: 'conn (a !skrode/redis), key, inflight, attempts, backoff',
  fromScalar: (key) => ({ key: key.trim() }),
  shape,
  build(v): QueueDescriptor {
    const { indirect: _ignored, ...rest } = v;
    const out: QueueDescriptor = { kind: 'queue', key: v.key };
    for (const [k, value] of Object.entries(rest)) if (value !== undefined && k !== 'kind') Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    return out;
  },
});
