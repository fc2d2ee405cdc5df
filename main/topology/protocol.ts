// Messages between the supervisor and a worker thread.

import type { MessagePort } from 'node:worker_threads';

export interface WorkerBoot {
  /** What loadConfig needs to load the same config in the thread. */
  reload: { config?: string; dataDir?: string };
  /** `--db PATH`: this SQLite file is the store, whatever the config says. */
  db?: string;
  name: string;
  replica: number;
  host: string;
  /** How long a stopping worker may take to finish the item in hand. */
  graceMs: number;
  /** SQLite store: a port to the process's one writer thread (./writer-relay.ts). */
  writerPort?: MessagePort;
}

export type ToWorker = { type: 'stop' };

export type FromWorker =
  /** Config loaded, target resolved, running. */
  | { type: 'ready' }
  /** Counters since this thread started. */
  | { type: 'progress'; done: number; failed: number; lastError: string | null }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  /** The target returned on its own (custom/periodic) or stopped as asked: do not restart. */
  | { type: 'finished' };
