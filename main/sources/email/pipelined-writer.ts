// Applies observations in batches while the next batch is being parsed: the store's writer
// thread commits batch N while this thread splits and parses the messages of batch N+1. At most
// two batches are held, and a batch is bounded both by observations and by the text it carries
// (a post's text is most of a batch): each batch exists several times over while it is sent
// (the observations, the packed copy, the structured clone, the writer's copy, the open write
// transaction), so the batch size, not the mbox size, sets most of an import's memory. Small
// batches cost little: parsing, not the store, is the limit (see storeWaitMs). A checkpoint (saving a resume cursor) runs only after the batch holding
// everything added before it has committed, without making this thread wait for it. A failed
// apply surfaces at the next add() or flush(), and its checkpoint never runs.
import type { Observation } from '../../model/observations.js';
import type { Store } from '../../store/port.js';

/** Observations per batch: 2000 held ~75 MB more at peak than 500 on bench import-mbox, no faster. */
export const BATCH_OBSERVATIONS = 500;
/** Characters of post text per batch, so a run of huge messages cannot make one batch huge. */
export const BATCH_TEXT_CHARS = 4 * 1024 * 1024;

export class PipelinedWriter {
  private batch: Observation[] = [];
  private batchChars = 0;
  private inflight: Promise<unknown> | null = null;
  private checkpointFn: (() => Promise<unknown>) | null = null;
  total = 0;
  /** Milliseconds this thread waited for the store: high means the store, not parsing, is the limit. */
  waitedMs = 0;

  constructor(
    private readonly store: Pick<Store, 'apply'>,
    private readonly batchSize = BATCH_OBSERVATIONS,
    private readonly maxBatchChars = BATCH_TEXT_CHARS,
  ) {}

  async add(o: Observation): Promise<void> {
    this.batch.push(o);
    this.total++;
    if (o.type === 'post') this.batchChars += o.text?.length ?? 0;
    if (this.batch.length >= this.batchSize || this.batchChars >= this.maxBatchChars) await this.send();
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
    this.batchChars = 0;
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
