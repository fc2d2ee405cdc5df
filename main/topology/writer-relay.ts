// One SQLite writer for the whole topology process. The supervisor's thread holds the store's
// writer thread (the only write connection); each worker thread gets a MessagePort to a relay that
// forwards `{seq, method, args}` calls to it and sends the answers back. Worker threads thus write
// through the same connection (store applies and the job queue's jobs.* methods alike) instead of
// each opening writers of their own.

import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { StoreError } from '../store/port.js';
import type { WriterCaller } from '../queue/sqlite/executor.js';

interface RelayRequest {
  seq: number;
  method: string;
  args: unknown[];
}

type RelayResponse = { seq: number; ok: true; value: unknown } | { seq: number; ok: false; error: { name: string; message: string; kind?: string } };

/** Supervisor side: serves relay ports from the store's writer client. */
export class WriterRelayHost {
  private readonly ports = new Set<MessagePort>();

  constructor(private readonly writer: WriterCaller) {}

  /** A fresh port for one worker thread (transfer it in the Worker's transferList). */
  connect(): MessagePort {
    const { port1, port2 } = new MessageChannel();
    this.ports.add(port1);
    port1.on('message', (req: RelayRequest) => {
      this.writer.call(req.method, ...req.args).then(
        (value) => port1.postMessage({ seq: req.seq, ok: true, value } satisfies RelayResponse),
        (e: unknown) => {
          const err = e instanceof Error ? e : new Error(String(e));
          const kind = (err as { kind?: unknown }).kind;
          port1.postMessage({ seq: req.seq, ok: false, error: { name: err.name, message: err.message, ...(typeof kind === 'string' ? { kind } : {}) } } satisfies RelayResponse);
        },
      );
    });
    port1.on('close', () => this.ports.delete(port1));
    return port2;
  }

  close(): void {
    for (const p of this.ports) p.close();
    this.ports.clear();
  }
}

/** Worker side: the writer's `call` over a relay port. */
export class WriterRelayClient implements WriterCaller {
  private seq = 0;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; method: string }>();
  private closed = false;

  constructor(private readonly port: MessagePort) {
    port.on('message', (res: RelayResponse) => {
      const p = this.pending.get(res.seq);
      if (!p) return;
      this.pending.delete(res.seq);
      if (res.ok) p.resolve(res.value);
      else p.reject(revive(res.error));
    });
    port.on('close', () => this.failAll('the writer relay closed'));
  }

  call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`the writer relay is closed; call ${method} was not sent`));
    const seq = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(seq, { resolve: resolve as (v: unknown) => void, reject, method });
      this.port.postMessage({ seq, method, args } satisfies RelayRequest);
    });
  }

  private failAll(why: string): void {
    this.closed = true;
    for (const [seq, p] of this.pending) {
      this.pending.delete(seq);
      p.reject(new Error(`${why}; call ${p.method} was not completed`));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.failAll('the writer relay was closed');
    this.port.close();
  }
}

function revive(e: { name: string; message: string; kind?: string }): Error {
  if (e.name === 'StoreError') return new StoreError(e.message, (e.kind ?? 'invalid') as StoreError['kind']);
  const err = new Error(e.message);
  err.name = e.name;
  return err;
}
