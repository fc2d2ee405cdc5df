// The topology part of config.yml, as the original's run_topology read it:
//
//   workers: [producer, mapper, mapper]   # a name repeated N times runs N replicas
//   mapper:
//     type: map                           # map | custom | periodic
//     target: demo:print_item             # module:function (./targets.ts)
//     source: *queue                      # map: the !skrode/queue it consumes
//     concurrency: 1                      # map: items in hand at once (default 1)
//     every: 60                           # periodic: seconds between runs
//     anything_else: ...                  # passed to the target as its arguments
//
// Checked up front (so the supervisor refuses a bad config before starting anything), with the
// file and line of the problem; tagged values are not built here.

import type { Config, ConfigSection } from '../config/index.js';

export type WorkerKind = 'map' | 'custom' | 'periodic';
const KINDS: readonly WorkerKind[] = ['map', 'custom', 'periodic'];

/** Keys the runtime reads; every other key of a worker's mapping is an argument of its target. */
export const RESERVED_KEYS = new Set(['type', 'target', 'source', 'concurrency', 'every', 'sleep', 'restart']);

export interface WorkerDefinition {
  name: string;
  kind: WorkerKind;
  target: string;
  concurrency: number;
  /** periodic: milliseconds between the starts of two runs (runs never overlap). */
  everyMs?: number;
  /** The keys passed to the target as arguments. */
  argKeys: string[];
}

export interface TopologyPlan {
  /** One entry per distinct worker name, with how many replicas to run. */
  workers: { def: WorkerDefinition; replicas: number }[];
}

const TARGET = /^[^\s:][^\s]*:[A-Za-z_$][\w$]*$/;

export function workerDefinition(config: ConfigSection, name: string): WorkerDefinition {
  if (!config.has(name)) throw config.error('workers', `worker ${JSON.stringify(name)} is listed but not defined (add a top-level ${name}: mapping)`);
  const s = config.section(name);
  const kind = s.string('type', '') as WorkerKind;
  if (!KINDS.includes(kind)) throw s.error(s.has('type') ? 'type' : undefined, `type must be one of ${KINDS.join(', ')}${s.has('type') ? `, not ${JSON.stringify(s.raw.type)}` : ''}`);
  const target = s.has('target') ? s.string('target') : '';
  if (!TARGET.test(target)) throw s.error(s.has('target') ? 'target' : undefined, `target must look like module:function (e.g. demo:print_item or ./my-workers.js:handle), not ${JSON.stringify(target)}`);
  const concurrency = s.number('concurrency', 1);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1000) throw s.error('concurrency', 'concurrency must be a whole number from 1 to 1000');
  const def: WorkerDefinition = { name, kind, target, concurrency, argKeys: s.keys().filter((k) => !RESERVED_KEYS.has(k)) };
  if (kind === 'map') {
    const src = s.lazy('source');
    if (!src || src.tag !== 'skrode/queue') throw s.error(s.has('source') ? 'source' : undefined, 'a map worker needs source: a !skrode/queue (e.g. source: *my_queue)');
  }
  if (kind === 'periodic') {
    const every = s.number('every', NaN);
    if (!(every > 0)) throw s.error(s.has('every') ? 'every' : undefined, 'a periodic worker needs every: N (seconds between runs, > 0)');
    def.everyMs = Math.round(every * 1000);
  }
  return def;
}

export function topologyPlan(config: Config): TopologyPlan {
  if (!config.has('workers')) throw config.error(undefined, 'no workers: list in the config (workers: [name, ...] names the workers to run)');
  const list = config.raw.workers;
  if (!Array.isArray(list) || list.some((n) => typeof n !== 'string' || n === '')) throw config.error('workers', 'workers must be a list of worker names');
  if (list.length === 0) throw config.error('workers', 'workers is empty: list the workers to run');
  const counts = new Map<string, number>();
  for (const n of list as string[]) counts.set(n, (counts.get(n) ?? 0) + 1);
  return { workers: [...counts].map(([name, replicas]) => ({ def: workerDefinition(config, name), replicas })) };
}
