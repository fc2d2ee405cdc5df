// `skrode topology run`: check the config, start the supervisor, keep heartbeats, and stop
// gracefully on SIGINT/SIGTERM (a second signal forces the stop).

import { hostname } from 'node:os';
import { HEARTBEAT_MS, writerStatusStore } from './status-store.js';
import { loadTopologyConfig, statusStoreFor, topologyRedis, type TopologyOptions } from './status.js';
import { topologyPlan } from './spec.js';
import { installStopSignals } from './stop-signals.js';
import { Supervisor, type SupervisorOptions } from './supervisor.js';
import { threadSpawner } from './threads.js';
import { WriterRelayHost } from './writer-relay.js';
import type { WriterCaller } from '../queue/sqlite/executor.js';

export interface RunTopologyOptions extends TopologyOptions {
  /** The name this supervisor reports under (default: the machine's host name). */
  host?: string;
  /** How long a stopping worker may take before it is terminated. */
  stopTimeoutMs?: number;
  log?: (line: string) => void;
  /** Install SIGINT/SIGTERM handlers (the CLI does; the app stops through the returned handle). */
  handleSignals?: boolean;
  /**
   * SQLite: the writer of a store this process already holds (the desktop app's), so the topology
   * shares it instead of starting a second writer thread on the same file. Left open on stop.
   */
  sqliteWriter?: WriterCaller;
  /** Restart policy (tests shorten it). */
  restart?: Pick<SupervisorOptions, 'backoffBaseMs' | 'backoffMaxMs' | 'crashLoop'>;
}

export interface RunningTopology {
  supervisor: Supervisor;
  stop(options?: { force?: boolean }): Promise<void>;
  /** Settles when the topology has stopped (by stop(), a signal, or every worker ending). */
  finished: Promise<{ parked: number }>;
}

export async function startTopology(options: RunTopologyOptions): Promise<RunningTopology> {
  const { config, store } = loadTopologyConfig(options);
  const plan = topologyPlan(config);
  const host = options.host ?? process.env.SKRODE_HOST ?? hostname();
  const log = options.log ?? ((l: string) => process.stderr.write(l + '\n'));
  const stopTimeoutMs = options.stopTimeoutMs ?? 15_000;
  // SQLite: this process runs the store's one writer thread; worker threads write through it.
  let hostStore: { writer: WriterCaller; close(): Promise<void> } | undefined;
  let relay: WriterRelayHost | undefined;
  if (store.kind === 'sqlite') {
    if (options.sqliteWriter) {
      hostStore = { writer: options.sqliteWriter, close: async () => {} };
    } else {
      const { SqliteStore } = await import('../store/sqlite/store.js');
      hostStore = await SqliteStore.open(store.path);
    }
    relay = new WriterRelayHost(hostStore.writer);
  }
  // Heartbeats: to the topology's Redis, else through this process's SQLite writer.
  const status = hostStore && !topologyRedis(config) ? writerStatusStore(store.kind === 'sqlite' ? store.path : '', hostStore.writer) : await statusStoreFor(config, store);
  await status.clearHost(host).catch(() => {});
  const supervisor = new Supervisor({
    host,
    workers: plan.workers.map((w) => ({ name: w.def.name, replicas: w.replicas })),
    spawn: threadSpawner(
      { reload: config.reload, ...(options.db ? { db: store.kind === 'sqlite' ? store.path : options.db } : {}), host, graceMs: Math.max(100, stopTimeoutMs - 1000) },
      relay ? { writerPort: () => relay.connect() } : {},
    ),
    stopTimeoutMs,
    log,
    ...options.restart,
  });
  let writing = Promise.resolve();
  const beat = () => {
    writing = writing.then(() => status.write(supervisor.status())).catch(() => {});
    return writing;
  };
  const timer = setInterval(beat, HEARTBEAT_MS);

  let stopping: Promise<void> | undefined;
  const stop = (o: { force?: boolean } = {}) => {
    if (o.force) return supervisor.stop({ force: true });
    return (stopping ??= supervisor.stop());
  };
  const uninstallSignals = options.handleSignals
    ? installStopSignals({ host, log, stop: () => void stop(), force: () => void supervisor.stop({ force: true }) })
    : undefined;

  const finished = new Promise<{ parked: number }>((resolve) => {
    const check = async () => {
      if (!supervisor.idle) return;
      supervisor.off('change', check);
      clearInterval(timer);
      await beat();
      await status.close().catch(() => {});
      relay?.close();
      await hostStore?.close().catch(() => {});
      uninstallSignals?.();
      resolve({ parked: supervisor.status().filter((s) => s.state === 'parked').length });
    };
    supervisor.on('change', () => void check());
  });
  log(`[${host}] starting ${plan.workers.map((w) => `${w.def.name}${w.replicas > 1 ? ` x${w.replicas}` : ''} (${w.def.kind})`).join(', ')}`);
  supervisor.start();
  void beat();
  return { supervisor, stop, finished };
}
