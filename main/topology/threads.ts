// Starts worker replicas as worker threads running the bundled out/workers/topology.js.
import { Worker, type MessagePort } from 'node:worker_threads';
import { workerEntry } from '../util/worker-entry.js';
import type { WorkerBoot } from './protocol.js';
import type { SpawnWorker, WorkerHandle } from './supervisor.js';

/** Heap limit per worker thread: one runaway worker must not abort the whole process (STYLE §11.13). */
export const DEFAULT_WORKER_HEAP_MB = Number(process.env.SKRODE_WORKER_HEAP_MB ?? 512);

export function threadSpawner(boot: Omit<WorkerBoot, 'name' | 'replica' | 'writerPort'>, options: { heapMb?: number; writerPort?: () => MessagePort } = {}): SpawnWorker {
  const entry = workerEntry('topology');
  const heapMb = options.heapMb ?? DEFAULT_WORKER_HEAP_MB;
  return (name, replica) => {
    const writerPort = options.writerPort?.();
    return new Worker(entry, {
      workerData: { ...boot, name, replica, ...(writerPort ? { writerPort } : {}) } satisfies WorkerBoot,
      transferList: writerPort ? [writerPort] : [],
      resourceLimits: { maxOldGenerationSizeMb: heapMb, maxYoungGenerationSizeMb: Math.max(16, Math.floor(heapMb / 16)) },
      name: `skrode ${name}#${replica}`,
    }) as unknown as WorkerHandle;
  };
}
