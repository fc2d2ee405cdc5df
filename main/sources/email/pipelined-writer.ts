// Applies observations in batches while the next batch is being parsed: the store's writer
// thread commits batch N while this thread splits and parses the messages of batch N+1. At most
// two batches are held. A failed apply surfaces at the next add() or flush().
import type { Observation } from '../../model/observations.js';
import type { Store } from '../../store/port.js';

export class PipelinedWriter {
  private batch: Observation[] = [];
  private inflight: Promise<unknown> | null = null;
  total = 0;

  constructor(
    private readonly store: Pick<Store, 'apply'>,
    private readonly batchSize = 2000,
  ) {}

  async add(o: Observation): Promise<void> {
    this.batch.push(o);
    this.total++;
    if (this.batch.length >= this.batchSize) await this.send();
  }

  private async send(): Promise<void> {
    if (this.inflight) {
      const p = this.inflight;
      this.inflight = null;
      await p;
    }
    if (this.batch.length === 0) return;
    const b = this.batch;
    this.batch = [];
    this.inflight = this.store.apply(b);
    // Keep an unobserved rejection from crashing the process; it is rethrown when awaited.
    this.inflight.catch(() => {});
  }

  /** Apply everything added so far and wait until it is committed. */
  async flush(): Promise<void> {
    await this.send();
    if (this.inflight) {
      const p = this.inflight;
      this.inflight = null;
      await p;
    }
  }
}
