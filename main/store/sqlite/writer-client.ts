// The caller's side of the writer thread: starts it, numbers each call, and settles the promise
// when the answer with that number comes back. If the thread dies, every call still waiting is
// rejected (nothing hangs), and later calls fail at once. The process is kept alive only while a
// call (or close()) is waiting, so a command that forgets close() still exits once its writes are
// done. That is done with a timer of our own, not by ref()/unref() of the Worker: the Worker's
// liveness is two handles (the thread and its message port) whose ref state Node also changes
// itself around the thread's exit, and a promise awaited at top level with nothing referenced
// left makes Node end the process with code 13 ("unsettled top-level await"). A timer is
// referenced exactly while we say so, whatever the thread and its port are doing.

import { Worker } from 'node:worker_threads';
import { workerEntry } from '../../util/worker-entry.js';
import { StoreError } from '../port.js';
import type { WriterRequest, WriterResponse } from './writer-protocol.js';

interface Pending {
  resolve(v: unknown): void;
  reject(e: Error): void;
  method: string;
}

export class WriterExitedError extends Error {
  override name = 'WriterExitedError';
}

function revive(e: { name: string; message: string; kind?: string }): Error {
  if (e.name === 'StoreError') return new StoreError(e.message, (e.kind ?? 'invalid') as StoreError['kind']);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}

export class WriterClient {
  private seq = 0;
  private readonly pending = new Map<number, Pending>();
  private dead: Error | undefined;
  private closing = false;
  /** Referenced while a call or close() waits; see the header. */
  private keepAlive: ReturnType<typeof setInterval> | undefined;
  /** The writer thread's id (differs from the caller's). */
  threadId = -1;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (res: WriterResponse) => {
      const p = this.pending.get(res.seq);
      if (!p) return;
      this.pending.delete(res.seq);
      this.release();
      if (res.ok) p.resolve(res.value);
      else p.reject(revive(res.error));
    });
    worker.on('error', (e) => this.fail(new WriterExitedError(`the SQLite writer thread failed: ${e.message}`)));
    worker.on('exit', (code) => this.fail(new WriterExitedError(`the SQLite writer thread exited (code ${code})`)));
    // The thread never holds the process by itself (after the listeners: adding a 'message'
    // listener would reference its port again).
    worker.unref();
  }

  private hold(): void {
    this.keepAlive ??= setInterval(() => {}, 1_000_000_000);
  }

  private release(): void {
    if (this.keepAlive !== undefined && this.pending.size === 0 && !this.closing) {
      clearInterval(this.keepAlive);
      this.keepAlive = undefined;
    }
  }

  /** Start the writer thread and open (migrating if needed) the database in it. */
  static async start(path: string): Promise<WriterClient> {
    const client = new WriterClient(new Worker(workerEntry('writer')));
    try {
      const { threadId } = (await client.call('open', path)) as { threadId: number };
      client.threadId = threadId;
    } catch (e) {
      await client.worker.terminate();
      throw e;
    }
    return client;
  }

  private fail(e: Error): void {
    this.dead ??= e;
    for (const [seq, p] of this.pending) {
      this.pending.delete(seq);
      p.reject(new WriterExitedError(`${e.message}; call ${p.method} was not completed`));
    }
    this.release();
  }

  call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject, method });
      this.hold();
      const req: WriterRequest = { seq, method, args };
      try {
        this.worker.postMessage(req);
      } catch (e) {
        this.pending.delete(seq);
        this.release();
        reject(e as Error);
      }
    });
  }

  /** Close the database in the thread and let the thread end. */
  async close(): Promise<void> {
    if (this.dead) return;
    // Stay alive until the thread has really gone, so `await close()` always settles.
    this.closing = true;
    this.hold();
    try {
      const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
      try {
        await this.call('close');
      } catch {
        await this.worker.terminate();
      }
      await exited;
    } finally {
      this.closing = false;
      this.release();
    }
  }

  /** For tests: kill the thread as a crash would. */
  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}
