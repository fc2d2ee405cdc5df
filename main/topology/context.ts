// What a target function receives. The signatures (snake_case names in configs find camelCase
// functions, see ./targets.ts):
//
//   map:      fn(item, args, ctx)   called once per queue item; throw to retry the item later,
//                                   throw PermanentJobError (main/queue/port.ts) for bad input
//   custom:   fn(args, ctx)         owns its loop; return when ctx.signal is aborted
//   periodic: fn(args, ctx)         one run; called again `every` seconds after the last start,
//                                   never overlapping
//
// `args` holds every key of the worker's mapping except the runtime's own (type, target, source,
// concurrency, every): `!skrode/queue` values arrive as JobQueue objects (push to them), other
// tagged values as their built descriptors.

import type { Config } from '../config/index.js';
import type { JobContext } from '../queue/port.js';
import type { Store } from '../store/port.js';

export interface WorkerContext {
  worker: string;
  replica: number;
  host: string;
  /** Aborted when the topology stops: finish the item or run in hand, then return. */
  signal: AbortSignal;
  log(message: string): void;
  /** The config this worker loaded itself. */
  config: Config;
  /** The configured store, opened on first use and shared by this worker's calls. */
  store(): Promise<Store>;
}

export interface MapContext extends WorkerContext {
  job: JobContext;
}

export type MapTarget = (item: unknown, args: Record<string, unknown>, ctx: MapContext) => unknown;
export type LoopTarget = (args: Record<string, unknown>, ctx: WorkerContext) => unknown;
