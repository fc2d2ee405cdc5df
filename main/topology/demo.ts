// The original's demo topology targets (ingesters/test.py): a producer of random numbers and a
// mapper that prints them, used by examples/topology-demo.yml and its test.

import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { JobQueue } from '../queue/port.js';
import type { MapContext, WorkerContext } from './context.js';

function isQueue(q: unknown): q is JobQueue {
  return typeof q === 'object' && q !== null && typeof (q as JobQueue).push === 'function';
}

/**
 * custom: push `count` random numbers (forever when count is absent) to `sink`, one every
 * `interval_ms`; each item carries a key so a restarted producer does not repeat itself.
 */
export async function randomProducer(args: Record<string, unknown>, ctx: WorkerContext): Promise<void> {
  const sink = args.sink;
  if (!isQueue(sink)) throw new Error('random_producer needs sink: a !skrode/queue');
  const count = args.count === undefined ? Infinity : Number(args.count);
  const interval = Number(args.interval_ms ?? 100);
  const run = String(args.run ?? 'demo');
  for (let i = 0; i < count && !ctx.signal.aborted; i++) {
    const value = Math.floor(Math.random() * 1_000_000);
    await sink.push({ n: i, value }, { dedupKey: `${run}:${i}` });
    if (interval > 0) await sleep(interval, undefined, { signal: ctx.signal }).catch(() => {});
  }
  ctx.log(`produced ${Number.isFinite(count) ? count : 'items'} into ${sink.name}`);
}

/** map: print each item (the original's demo mapper). */
export function printItem(item: unknown, args: Record<string, unknown>, ctx: MapContext): void {
  const prefix = typeof args.prefix === 'string' ? args.prefix : 'item';
  ctx.log(`${prefix} ${JSON.stringify(item)} (delivery ${ctx.job.attempt})`);
}

/** periodic: say the time; shows a periodic worker in the demo. */
export function tick(_args: Record<string, unknown>, ctx: WorkerContext): void {
  ctx.log(`tick ${new Date().toISOString()}`);
}

/** map: a CPU-light handler (hash the item `rounds` times, ~0.1 ms), for the scaling benchmark. */
export function spin(item: unknown, args: Record<string, unknown>): void {
  const rounds = Number(args.rounds ?? 20);
  let h = createHash('sha256').update(JSON.stringify(item)).digest();
  for (let i = 1; i < rounds; i++) h = createHash('sha256').update(h).digest();
}
