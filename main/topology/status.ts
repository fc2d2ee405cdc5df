// `topologyStatus()`: every worker on every host (from the supervisors' heartbeats) and every
// queue the config defines (ready, delayed, in flight, dead). The desktop app's SkrodeApi and
// `skrode topology status` both call it.

import path from 'node:path';
import type { QueueStatusDto, TopologyStatusDto } from '../../shared/topology.js';
import { loadConfig, type Config, type QueueDescriptor, type RedisDescriptor, type StoreDescriptor } from '../config/index.js';
import { openQueue } from '../queue/open.js';
import { errorText } from '../queue/port.js';
import { postgresStatusStore, redisStatusStore, sqliteStatusStore, type StatusStore } from './status-store.js';

export interface TopologyOptions {
  /** -c/--config */
  config?: string;
  /** --db: the SQLite store, whatever the config says */
  db?: string;
}

export function loadTopologyConfig(options: TopologyOptions): { config: Config; store: StoreDescriptor } {
  const config = loadConfig(options.config === undefined ? {} : { config: options.config });
  const store: StoreDescriptor = options.db ? { kind: 'sqlite', path: path.resolve(options.db) } : config.store();
  return { config, store };
}

/** Every `!skrode/queue` the config defines, once each (aliases are one queue). */
export function configQueues(config: Config): { key: string; descriptor: QueueDescriptor }[] {
  const seen = new Set<unknown>();
  const out: { key: string; descriptor: QueueDescriptor }[] = [];
  for (const lazy of config.lazies()) {
    if (lazy.tag !== 'skrode/queue' || seen.has(lazy)) continue;
    seen.add(lazy);
    const d = lazy.get() as QueueDescriptor;
    if (out.some((q) => q.descriptor.key === d.key && sameConn(q.descriptor.conn, d.conn))) continue;
    out.push({ key: lazy.keyPath, descriptor: d });
  }
  return out;
}

function sameConn(a?: RedisDescriptor, b?: RedisDescriptor): boolean {
  if (!a || !b) return a === b;
  return a.host === b.host && a.port === b.port && a.db === b.db && (a.prefix ?? '') === (b.prefix ?? '');
}

/** Heartbeats go to the Redis of the topology (a `redis:` key, else the first queue's conn);
 *  a topology without Redis keeps them in the store's worker_status table. */
export function topologyRedis(config: Config): RedisDescriptor | undefined {
  if (config.lazy('redis')?.tag === 'skrode/redis') return config.redis();
  return configQueues(config).find((q) => q.descriptor.conn)?.descriptor.conn;
}

export async function statusStoreFor(config: Config, store: StoreDescriptor): Promise<StatusStore> {
  const redis = topologyRedis(config);
  if (redis) return redisStatusStore(redis);
  if (store.kind === 'sqlite') return sqliteStatusStore(store.path);
  return postgresStatusStore(store);
}

export async function queueStatus(config: Config, store: StoreDescriptor, problems: string[]): Promise<QueueStatusDto[]> {
  const out: QueueStatusDto[] = [];
  for (const { key, descriptor } of configQueues(config)) {
    try {
      const q = await openQueue(descriptor, { store });
      try {
        const s = await withTimeout(q.stats(), 5000, `queue ${descriptor.key}`);
        out.push({ queue: s.queue, backend: s.backend, ready: s.ready, delayed: s.delayed, inflight: s.inflight, dead: s.dead });
      } finally {
        await q.close().catch(() => {});
      }
    } catch (e) {
      problems.push(`${key} (${descriptor.key}): ${errorText(e)}`);
    }
  }
  return out;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((_, reject) => (t = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)))]).finally(() => clearTimeout(t));
}

export async function topologyStatus(options: TopologyOptions = {}): Promise<TopologyStatusDto> {
  const { config, store } = loadTopologyConfig(options);
  const problems: string[] = [];
  let workers: TopologyStatusDto['workers'] = [];
  try {
    const s = await statusStoreFor(config, store);
    try {
      workers = await withTimeout(s.read(), 5000, 'worker heartbeats');
    } finally {
      await s.close();
    }
  } catch (e) {
    problems.push(`workers: ${errorText(e)}`);
  }
  const queues = await queueStatus(config, store, problems);
  return { at: new Date().toISOString(), workers, queues, problems };
}

/** The status as the CLI prints it. */
export function formatStatus(s: TopologyStatusDto): string {
  const lines: string[] = [];
  lines.push('workers:');
  if (s.workers.length === 0) lines.push('  (none reported)');
  for (const w of s.workers) {
    const state = w.stale ? `${w.state}, STALE since ${w.updatedAt}` : w.state;
    lines.push(`  ${w.host} ${w.worker}#${w.replica}: ${state}; restarts ${w.restarts}, done ${w.done}, failed ${w.failed}${w.lastError ? `; last error: ${w.lastError}` : ''}`);
  }
  lines.push('queues:');
  if (s.queues.length === 0) lines.push('  (none defined)');
  for (const q of s.queues) lines.push(`  ${q.queue} (${q.backend}): ready ${q.ready}, delayed ${q.delayed}, in flight ${q.inflight}, dead ${q.dead}`);
  for (const p of s.problems) lines.push(`problem: ${p}`);
  return lines.join('\n');
}
