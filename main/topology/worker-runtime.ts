// Runs one worker inside its thread: loads the config itself (as the original's children did),
// resolves the target, turns queue arguments into JobQueues, and runs the kind's loop until the
// supervisor says stop. Counters and logs go to the supervisor as messages.

import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig, tagOf, type QueueDescriptor, type StoreDescriptor } from '../config/index.js';
import { openQueue, type QueueEnvironment } from '../queue/open.js';
import { writerExecutor } from '../queue/sqlite/executor.js';
import { WriterRelayClient } from './writer-relay.js';
import { errorText, type JobQueue } from '../queue/port.js';
import type { Store } from '../store/port.js';
import type { LoopTarget, MapTarget, WorkerContext } from './context.js';
import type { FromWorker, WorkerBoot } from './protocol.js';
import { workerDefinition } from './spec.js';
import { resolveTarget } from './targets.js';
import path from 'node:path';

export interface RuntimeIo {
  send(msg: FromWorker): void;
  /** Aborted when the supervisor asks this worker to stop. */
  stop: AbortSignal;
}

export async function runWorker(boot: WorkerBoot, io: RuntimeIo): Promise<void> {
  const config = loadConfig(boot.reload.config === undefined ? { dataDir: boot.reload.dataDir } : { config: boot.reload.config, dataDir: boot.reload.dataDir });
  const storeDesc: StoreDescriptor = boot.db ? { kind: 'sqlite', path: path.resolve(boot.db) } : config.store();
  const def = workerDefinition(config, boot.name);
  const baseDir = config.configFile ? path.dirname(config.configFile) : process.cwd();
  const fn = await resolveTarget(def.target, baseDir);
  const section = config.section(boot.name);

  // SQLite: every write (store and job queue) goes through the process's one writer thread.
  const relay = boot.writerPort && storeDesc.kind === 'sqlite' ? new WriterRelayClient(boot.writerPort) : undefined;
  const queueEnv: QueueEnvironment = relay ? { store: storeDesc, sqliteExecutor: async () => writerExecutor(relay) } : { store: storeDesc };
  const queues = new Map<QueueDescriptor, Promise<JobQueue>>();
  const queueFor = (d: QueueDescriptor) => {
    let q = queues.get(d);
    if (!q) queues.set(d, (q = openQueue(d, queueEnv)));
    return q;
  };
  const openTheStore = async (): Promise<Store> => {
    if (relay && storeDesc.kind === 'sqlite') {
      const { SqliteStore } = await import('../store/sqlite/store.js');
      // The store must not close the relay: the queues use it too; it is closed at the end.
      return SqliteStore.withWriter(storeDesc.path, { call: (m: string, ...a: unknown[]) => relay.call(m, ...a), close: async () => {} } as never);
    }
    const { openStore } = await import('../store/from-config.js');
    return openStore(storeDesc);
  };
  // Aliases (*queue) share one descriptor object, hence one JobQueue per thread.
  async function materialize(v: unknown): Promise<unknown> {
    if (tagOf(v) === 'skrode/queue') return queueFor(v as QueueDescriptor);
    if (Array.isArray(v)) return Promise.all(v.map(materialize));
    if (v !== null && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype && !tagOf(v)) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) out[k] = await materialize(x);
      return out;
    }
    return v;
  }
  const args: Record<string, unknown> = {};
  for (const k of def.argKeys) args[k] = await materialize(section.resolve(k));

  let store: Promise<Store> | undefined;
  const ctx: WorkerContext = {
    worker: boot.name,
    replica: boot.replica,
    host: boot.host,
    signal: io.stop,
    log: (message) => io.send({ type: 'log', level: 'info', message }),
    config,
    // A failed open (the database is down) is not remembered: the next item tries again.
    store: () =>
      (store ??= openTheStore().catch((e: unknown) => {
          store = undefined;
          throw e;
        })),
  };

  let done = 0;
  let failed = 0;
  let lastError: string | null = null;
  let reported = '';
  const report = () => {
    const key = `${done}/${failed}/${lastError}`;
    if (key === reported) return;
    reported = key;
    io.send({ type: 'progress', done, failed, lastError });
  };
  const heartbeat = setInterval(report, 500);
  io.send({ type: 'ready' });

  try {
    if (io.stop.aborted) {
      // Stopped while starting up: run nothing.
    } else if (def.kind === 'map') {
      const source = await queueFor(section.get('source') as QueueDescriptor);
      const target = fn as unknown as MapTarget;
      const consumer = source.consume(async (item, job) => void (await target(item, args, { ...ctx, job })), {
        concurrency: def.concurrency,
        owner: `${boot.host}/${boot.name}#${boot.replica}`,
        onDone: () => done++,
        onFailed: (job, e, outcome) => {
          failed++;
          lastError = `${errorText(e)} (item ${job.id}, delivery ${job.attempt}${outcome === 'dead' ? ', dead-lettered' : ''})`;
          report();
        },
      });
      await new Promise<void>((resolve) => (io.stop.aborted ? resolve() : io.stop.addEventListener('abort', () => resolve(), { once: true })));
      await consumer.close({ graceMs: boot.graceMs });
    } else if (def.kind === 'custom') {
      await (fn as unknown as LoopTarget)(args, ctx);
      done++;
    } else {
      const every = def.everyMs!;
      while (!io.stop.aborted) {
        const t0 = Date.now();
        try {
          await (fn as unknown as LoopTarget)(args, ctx);
          done++;
        } catch (e) {
          failed++;
          lastError = errorText(e);
          io.send({ type: 'log', level: 'warn', message: `run failed: ${lastError}` });
        }
        report();
        const wait = every - (Date.now() - t0);
        if (wait > 0) await sleep(wait, undefined, { signal: io.stop }).catch(() => {});
      }
    }
  } finally {
    clearInterval(heartbeat);
    report();
    await Promise.allSettled([...queues.values()].map(async (q) => (await q).close()));
    if (store) await store.then((st) => st.close()).catch(() => {});
    await relay?.close();
  }
}
