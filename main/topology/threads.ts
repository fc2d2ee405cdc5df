// Starts worker replicas as worker threads running the bundled out/workers/topology.js.
import { Worker } from 'node:worker_threads';
import { workerEntry } from '../util/worker-entry.js';
import type { WorkerBoot } from './protocol.js';
import type { SpawnWorker, WorkerHandle } from './supervisor.js';

/** Heap limit per worker thread: one runaway worker must not abort the whole process (STYLE §11.13). */
export const DEFAULT_WORKER_HEAP_MB = Number(process.env.SKRODE_WORKER_HEAP_MB ?? 512);

export function threadSpawner(boot: Omit<WorkerBoot, 'name' | 'replica'>, heapMb = DEFAULT_WORKER_HEAP_MB): SpawnWorker {
  const entry = workerEntry('topology');
  return (name, replica) =>
    new Worker(entry, {
      workerData: { ...boot, name, replica } satisfies WorkerBoot,
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.max(16, Math.floor(heapMb / 16)) },
      name: `skrode ${name}#${replica}`,
    }) as unknown as WorkerHandle;
}
