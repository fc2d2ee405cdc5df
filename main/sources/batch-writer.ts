// Batches an import's observations into store.apply while the next batch is being read: the SQLite
// store applies on its writer thread, so parsing and writing overlap. Used by the bulk importers
// (X archive, mbox).
//
// - Bounds: a batch is sent at `batchSize` observations or `maxBatchChars` characters of post text,
//   whichever comes first. Each batch exists several times over while it is sent (the
//   observations, the structured clone, the writer's copy, the open write transaction), so the
//   batch size, not the input's size, sets most of an import's memory.
// - In flight: up to `maxInFlight` batches sent and not yet applied. Two only where the store
//   applies its calls one after the other in order (SQLite: the one writer thread), so the writer
//   goes from one batch straight to the next; Postgres applies calls concurrently, so there a batch
//   waits for the one before it. Batches are sent in order.
// - Checkpoints: `checkpoint(fn)` runs fn (saving a resume cursor) once every batch holding what was
//   added before it has committed, without making the reader wait for it. After a failed apply no
//   later checkpoint runs, and the failure surfaces at the next add(), flush() or end().
// - Bad records: with `problem`, a batch the store rejects for a record-level reason (validation) is
//   retried one observation at a time, so one bad record costs only itself and is reported with its
//   provenance; later batches wait for those retries. Without it, the rejection fails the import.
// - Sightings: with `foldSightings`, repeated sightings of one account under the same names are
//   folded by a SightingFolder (sightings.ts) remembering at most that many accounts; the extremes
//   it emits go out in ordinary batches.
// - Bulk: with `bulk`, batches go to store.applyBulk, which may keep them in one transaction with
//   the batches around it (each batch still all-or-nothing); flush(), end() and every checkpoint
//   commit it first.
// - Heap: with `heap`, the bound is checked after each batch is sent (see util/heap-bound.ts).
import { addApplyResults, emptyApplyResult, type AccountSeen, type ApplyResult, type Observation } from '../model/observations.js';
import type { Store } from '../store/port.js';
import type { ImportProblem } from './importer.js';
import type { HeapBound } from '../util/heap-bound.js';
import { SightingFolder } from './sightings.js';

/** Observations per batch: 2000 held ~75 MB more at peak than 500 on bench import-mbox, no faster. */
export const BATCH_OBSERVATIONS = 500;
/** Characters of post text per batch, so a run of huge posts cannot make one batch huge. */
export const BATCH_TEXT_CHARS = 4 * 1024 * 1024;

export interface BatchWriterOptions {
  batchSize?: number;
  maxBatchChars?: number;
  maxInFlight?: number;
  /** Retry a rejected batch one by one, reporting each refused observation here. */
  problem?: (p: ImportProblem) => void;
  /** Fold repeated account sightings, remembering at most this many accounts. */
  foldSightings?: number;
  /** Send batches with store.applyBulk (several batches per transaction); flush() commits. */
  bulk?: boolean;
  /** Keep the heap near its live size while importing. */
  heap?: HeapBound;
}

export class BatchWriter {
  private batch: Observation[] = [];
  private batchChars = 0;
  /** Batches sent and not yet applied, oldest first (each settles without rejecting). */
  private inFlight: Promise<void>[] = [];
  /** Set while a rejected batch is retried one by one: later batches wait for it (order). */
  private retrying: Promise<void> | undefined;
  private checkpointFn: (() => Promise<unknown>) | null = null;
  private failure: unknown;
  private readonly sightings: SightingFolder | undefined;
  private readonly batchSize: number;
  private readonly maxBatchChars: number;
  private readonly maxInFlight: number;
  readonly applied: ApplyResult = emptyApplyResult();
  /** Observations added. */
  observations = 0;
  /** Account observations folded into an earlier sighting. */
  get folded(): number {
    return this.sightings?.folded ?? 0;
  }
  /** Milliseconds the reader waited for the store: high means the store, not parsing, is the limit. */
  waitedMs = 0;

  constructor(
    private readonly store: Pick<Store, 'apply'> & Partial<Pick<Store, 'applyBulk' | 'commitBulk'>>,
    private readonly options: BatchWriterOptions = {},
  ) {
    this.batchSize = options.batchSize ?? BATCH_OBSERVATIONS;
    this.maxBatchChars = options.maxBatchChars ?? BATCH_TEXT_CHARS;
    this.maxInFlight = options.maxInFlight ?? 1;
    if (options.bulk && (!store.applyBulk || !store.commitBulk)) throw new TypeError('bulk batches need a store with applyBulk and commitBulk');
    // A forgotten account's extremes join the batch in hand (add() sends it when it is full).
    if (options.foldSightings) this.sightings = new SightingFolder(options.foldSightings, (o) => this.batch.push(o));
  }

  async add(o: Observation): Promise<void> {
    this.observations++;
    if (this.sightings && o.type === 'account' && this.sightings.fold(o)) {
      if (this.batch.length >= this.batchSize) await this.send();
      return;
    }
    this.batch.push(o);
    if (o.type === 'post') this.batchChars += o.text?.length ?? 0;
    if (this.batch.length >= this.batchSize || this.batchChars >= this.maxBatchChars) await this.send();
  }

  /** Run `fn` once everything added so far is committed (the latest checkpoint wins). */
  checkpoint(fn: () => Promise<unknown>): void {
    this.checkpointFn = fn;
  }

  /** Apply everything added so far (and the pending checkpoint) and wait until committed. */
  async flush(): Promise<void> {
    await this.send();
    while (this.inFlight.length) await this.waitOldest();
    if (this.failure) throw this.failure;
    if (this.options.bulk) await this.store.commitBulk!();
  }

  /** Apply the remembered sightings' extremes and everything else; the totals applied. */
  async end(): Promise<ApplyResult> {
    if (this.sightings) {
      // Drained into one array first, then sent in batches of the usual size.
      const extremes: AccountSeen[] = [];
      this.sightings.drain((o) => extremes.push(o));
      for (const o of extremes) {
        this.batch.push(o);
        if (this.batch.length >= this.batchSize) await this.send();
      }
    }
    await this.flush();
    return this.applied;
  }

  private async waitOldest(): Promise<void> {
    const t = performance.now();
    await this.inFlight.shift();
    this.waitedMs += performance.now() - t;
  }

  /** Send the batch in hand; waits only while maxInFlight batches are still being applied. */
  private async send(): Promise<void> {
    while (this.inFlight.length >= this.maxInFlight) await this.waitOldest();
    while (this.retrying) await this.retrying;
    if (this.failure) throw this.failure;
    const cp = this.checkpointFn;
    this.checkpointFn = null;
    if (this.batch.length === 0 && !cp) return;
    const b = this.batch;
    this.batch = [];
    this.batchChars = 0;
    const before = this.inFlight.at(-1);
    const applied = b.length ? this.applyBatch(b) : Promise.resolve();
    this.options.heap?.check();
    const done = !cp
      ? applied
      : applied.then(async () => {
          // Everything before this batch must have committed too (and none of it failed); bulk
          // batches are committed here, so the checkpoint never runs ahead of them.
          await before;
          if (this.failure !== undefined) return;
          if (this.options.bulk) await this.store.commitBulk!();
          await cp();
        });
    this.inFlight.push(
      done.catch((e: unknown) => {
        this.failure ??= e;
      }),
    );
  }

  private async applyBatch(b: Observation[]): Promise<void> {
    try {
      addApplyResults(this.applied, await (this.options.bulk ? this.store.applyBulk!(b) : this.store.apply(b)));
      return;
    } catch (e) {
      if (!this.options.problem || !isRecordLevel(e)) throw e;
    }
    // Both adapters validate before anything leaves this thread, so the rejection arrives before
    // the next batch is sent; the gate keeps that batch back until these retries are applied.
    const retries = this.applyOneByOne(b, this.options.problem);
    this.retrying = retries;
    try {
      await retries;
    } finally {
      this.retrying = undefined;
    }
  }

  private async applyOneByOne(b: Observation[], problem: (p: ImportProblem) => void): Promise<void> {
    for (const o of b) {
      try {
        addApplyResults(this.applied, await this.store.apply([o]));
      } catch (e) {
        if (!isRecordLevel(e)) throw e;
        const p = 'provenance' in o ? o.provenance : undefined;
        problem({ file: p?.file ?? p?.source ?? '?', record: p?.record, reason: (e as Error).message });
      }
    }
  }
}

/** A rejection caused by the observation (validation), not by the store being unusable. */
function isRecordLevel(e: unknown): boolean {
  const name = (e as Error | undefined)?.name;
  const kind = (e as { kind?: string } | undefined)?.kind;
  return name === 'ValidationError' || (name === 'StoreError' && (kind === 'invalid' || kind === 'not-found'));
}
