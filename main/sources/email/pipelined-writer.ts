// Applies observations in batches while the next batch is being parsed: the store's writer
// thread commits batch N while this thread splits and parses the messages of batch N+1. At most
// two batches are held. A checkpoint (saving a resume cursor) runs only after the batch holding
// everything added before it has committed, without making this thread wait for it. A failed
// apply surfaces at the next add() or flush(), and its checkpoint never runs.
import type { Observation } from '../../model/observations.js';
import type { Store } from '../../store/port.js';

export class PipelinedWriter {
  private batch: Observation[] = [];
  private inflight: Promise<unknown> | null = null;
  private checkpointFn: (() => Promise<unknown>) | null = null;
  total = 0;
  /** Milliseconds this thread waited for the store: high means the store, not parsing, is the limit. */
  waitedMs = 0;

  constructor(
    private readonly store: Pick<Store, 'apply'>,
    private readonly batchSize = 2000,
  ) {}

  async add(o: Observation): Promise<void> {
    this.batch.push(o);
    this.total++;
    if (this.batch.length >= this.batchSize) await this.send();
  }

  /** Run `fn` once everything added so far is committed (the latest checkpoint wins). */
  checkpoint(fn: () => Promise<unknown>): void {
    this.checkpointFn = fn;
  }

  private async waitInflight(): Promise<void> {
    if (!this.inflight) return;
    const p = this.inflight;
    this.inflight = null;
    const t = performance.now();
    await p;
    this.waitedMs += performance.now() - t;
  }

  private async send(): Promise<void> {
    await this.waitInflight();
    const cp = this.checkpointFn;
    this.checkpointFn = null;
    if (this.batch.length === 0 && !cp) return;
    const b = this.batch;
    this.batch = [];
    const applied = b.length ? this.store.apply(b) : Promise.resolve();
    this.inflight = cp ? applied.then(cp) : applied;
    // Keep an unobserved rejection from crashing the process; it is rethrown when awaited.
    this.inflight.catch(() => {});
  }

  /** Apply everything added so far (and the pending checkpoint) and wait until committed. */
  async flush(): Promise<void> {
    await this.send();
    await this.waitInflight();
  }
}
