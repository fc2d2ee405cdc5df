// The supervisor: runs every worker replica in a worker thread and keeps it running.
//
// - A replica that dies (throws, exits, is killed by its resource limits) is started again after
//   an exponential backoff; a replica that dies `crashLoop.deaths` times in a row, each time
//   within `crashLoop.withinMs` of starting, is parked (state 'parked', its last error kept) and
//   not restarted: a broken config or target must not spin forever as in the original.
// - A replica whose target returns on its own (custom, or a stop) is 'stopped', not restarted.
// - stop(): every replica is asked to stop and finishes (or returns) the item in hand; replicas
//   still running after stopTimeoutMs are terminated; their items come back when their leases
//   lapse. stop({force: true}) (the second Ctrl-C) terminates at once. Nothing is lost either way
//   because nothing is acknowledged before its handler returned.

import { EventEmitter } from 'node:events';
import type { WorkerState, WorkerStatusDto } from '../../shared/topology.js';
import type { FromWorker, ToWorker } from './protocol.js';

/** What the supervisor needs of a worker thread (node:worker_threads Worker satisfies it). */
export interface WorkerHandle {
  postMessage(m: ToWorker): void;
  terminate(): Promise<number>;
  on(event: 'message', fn: (m: FromWorker) => void): unknown;
  on(event: 'error', fn: (e: Error) => void): unknown;
  on(event: 'exit', fn: (code: number) => void): unknown;
}

export type SpawnWorker = (name: string, replica: number) => WorkerHandle;

export interface SupervisorOptions {
  host: string;
  workers: readonly { name: string; replicas: number }[];
  spawn: SpawnWorker;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  crashLoop?: { deaths: number; withinMs: number };
  stopTimeoutMs?: number;
  log?: (line: string) => void;
}

interface Slot {
  name: string;
  replica: number;
  state: WorkerState;
  restarts: number;
  /** Counters of threads that have ended, plus the live thread's latest report. */
  doneBefore: number;
  failedBefore: number;
  done: number;
  failed: number;
  lastError: string | null;
  handle?: WorkerHandle;
  startedAt: number;
  quickDeaths: number;
  finished: boolean;
  timer?: NodeJS.Timeout;
  exited?: Promise<void>;
}

export class Supervisor extends EventEmitter {
  private readonly slots: Slot[] = [];
  private stopping = false;
  private readonly o: Required<Omit<SupervisorOptions, 'log'>> & { log: (line: string) => void };
  private stopPromise: Promise<void> | undefined;

  constructor(options: SupervisorOptions) {
    super();
    this.o = {
      backoffBaseMs: 500,
      backoffMaxMs: 30_000,
      crashLoop: { deaths: 5, withinMs: 10_000 },
      stopTimeoutMs: 15_000,
      log: (line: string) => process.stderr.write(line + '\n'),
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    } as unknown as Supervisor['o'];
    for (const w of options.workers) {
      for (let r = 0; r < w.replicas; r++) {
        this.slots.push({ name: w.name, replica: r, state: 'stopped', restarts: 0, doneBefore: 0, failedBefore: 0, done: 0, failed: 0, lastError: null, startedAt: 0, quickDeaths: 0, finished: false });
      }
    }
  }

  start(): void {
    for (const s of this.slots) this.launch(s);
  }

  private label(s: Slot): string {
    return `${s.name}#${s.replica}`;
  }

  private launch(s: Slot): void {
    if (this.stopping) return;
    s.state = 'running';
    s.startedAt = Date.now();
    s.finished = false;
    let handle: WorkerHandle;
    try {
      handle = this.o.spawn(s.name, s.replica);
    } catch (e) {
      s.lastError = `cannot start: ${(e as Error).message}`;
      this.died(s);
      return;
    }
    s.handle = handle;
    let resolveExit!: () => void;
    s.exited = new Promise((r) => (resolveExit = r));
    handle.on('message', (m) => this.onMessage(s, m));
    // Why this life ended, if the thread said so (an uncaught error, or an error it logged).
    let lifeError: string | undefined;
    handle.on('error', (e) => {
      lifeError = `${e.name}: ${e.message}`;
    });
    handle.on('message', (m) => {
      if (m.type === 'log' && m.level === 'error') lifeError = m.message;
    });
    handle.on('exit', (code) => {
      s.handle = undefined;
      s.doneBefore += s.done;
      s.failedBefore += s.failed;
      s.done = 0;
      s.failed = 0;
      resolveExit();
      if (this.stopping || (s.finished && code === 0)) {
        s.state = 'stopped';
        this.changed();
        return;
      }
      s.lastError = lifeError ?? `exited with code ${code}`;
      this.o.log(`[${this.o.host} ${this.label(s)}] died (exit ${code}): ${s.lastError}`);
      this.died(s);
    });
    this.changed();
  }

  private died(s: Slot): void {
    const lived = Date.now() - s.startedAt;
    s.quickDeaths = lived < this.o.crashLoop.withinMs ? s.quickDeaths + 1 : 1;
    if (s.quickDeaths >= this.o.crashLoop.deaths) {
      s.state = 'parked';
      this.o.log(`[${this.o.host} ${this.label(s)}] parked after ${s.quickDeaths} quick deaths in a row; not restarting (last error: ${s.lastError})`);
      this.changed();
      return;
    }
    s.state = 'backoff';
    const base = Math.min(this.o.backoffMaxMs, this.o.backoffBaseMs * 2 ** (s.quickDeaths - 1));
    const delay = Math.floor(base / 2 + Math.random() * (base / 2));
    s.timer = setTimeout(() => {
      s.timer = undefined;
      s.restarts++;
      this.launch(s);
    }, delay);
    this.changed();
  }

  private onMessage(s: Slot, m: FromWorker): void {
    switch (m.type) {
      case 'progress':
        s.done = m.done;
        s.failed = m.failed;
        if (m.lastError) s.lastError = m.lastError;
        this.changed();
        break;
      case 'log':
        this.o.log(`[${this.o.host} ${this.label(s)}] ${m.level === 'info' ? '' : m.level + ': '}${m.message}`);
        if (m.level === 'error') s.lastError = m.message;
        break;
      case 'finished':
        s.finished = true;
        break;
      case 'ready':
        break;
    }
  }

  private changed(): void {
    this.emit('change');
  }

  /** Ask every replica to stop; terminate those still running after stopTimeoutMs. A second
   *  call with force terminates everything at once. */
  stop(options: { force?: boolean } = {}): Promise<void> {
    this.stopping = true;
    for (const s of this.slots) {
      if (s.timer) {
        clearTimeout(s.timer);
        s.timer = undefined;
        s.state = 'stopped';
      }
    }
    if (options.force) {
      return Promise.all(this.slots.map((s) => s.handle?.terminate())).then(() => this.changed());
    }
    this.stopPromise ??= this.gracefulStop();
    return this.stopPromise;
  }

  private async gracefulStop(): Promise<void> {
    const live = this.slots.filter((s) => s.handle);
    for (const s of live) {
      s.state = 'stopping';
      try {
        s.handle!.postMessage({ type: 'stop' });
      } catch {
        // already gone
      }
    }
    this.changed();
    let timer: NodeJS.Timeout | undefined;
    const all = Promise.all(live.map((s) => s.exited));
    const late = await Promise.race([all.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), this.o.stopTimeoutMs)))]);
    clearTimeout(timer);
    if (late) {
      const stuck = live.filter((s) => s.handle);
      this.o.log(`[${this.o.host}] ${stuck.map((s) => this.label(s)).join(', ')} did not stop within ${this.o.stopTimeoutMs} ms; terminating (their items return when their leases lapse)`);
      await Promise.all(stuck.map((s) => s.handle?.terminate()));
      await all;
    }
  }

  /** True once every replica is stopped or parked (nothing left to run). */
  get idle(): boolean {
    return this.slots.every((s) => s.state === 'stopped' || s.state === 'parked');
  }

  status(): WorkerStatusDto[] {
    const now = new Date().toISOString();
    return this.slots.map((s) => ({
      host: this.o.host,
      worker: s.name,
      replica: s.replica,
      state: s.state,
      restarts: s.restarts,
      done: s.doneBefore + s.done,
      failed: s.failedBefore + s.failed,
      lastError: s.lastError,
      updatedAt: now,
      stale: false,
    }));
  }
}
