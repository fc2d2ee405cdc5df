// Batches observations into store.apply with one batch in flight while the next is being read:
// the SQLite store applies on its writer thread, so parsing and writing overlap. A batch the store
// rejects (validation names one bad observation) is retried one observation at a time, so one bad
// record costs only itself and is reported with its provenance; the good ones are applied.
import { addApplyResults, emptyApplyResult, type AccountSeen, type ApplyResult, type Observation } from '../../model/observations.js';
import type { Store } from '../../store/port.js';
import type { ImportProblem } from '../importer.js';

/**
 * Repeated sightings of one account with the same names (every mention of a popular account)
 * are folded: the first sighting is applied at once (so the account and its names exist early),
 * later ones only widen a remembered [earliest, latest] seenAt, and at the end (or when the memory
 * cap is reached) at most two more observations carry those extremes. The store's first/last
 * seen come out exactly as if every sighting had been applied.
 */
interface Sightings {
  sent: AccountSeen;
  min: string;
  max: string;
}

export class PipelinedWriter {
  private batch: Observation[] = [];
  private sightings = new Map<string, Sightings>();
  /** Account observations folded into an earlier sighting. */
  folded = 0;
  private inFlight: Promise<void> = Promise.resolve();
  private failure: unknown;
  readonly applied: ApplyResult = emptyApplyResult();
  observations = 0;

  constructor(
    private readonly store: Store,
    private readonly problem: (p: ImportProblem) => void,
    private readonly batchSize = 2000,
    /** Most accounts remembered for folding (bounds memory on huge archives). */
    private readonly maxSightings = 50_000,
  ) {}

  async add(o: Observation): Promise<void> {
    this.observations++;
    if (o.type === 'account' && !o.profile && o.seenAt) {
      const key = `${o.externalId}\u0000${o.names?.map((n) => `${n.kind}:${n.name}`).join('\u0000') ?? ''}`;
      const s = this.sightings.get(key);
      if (s) {
        this.folded++;
        if (o.seenAt < s.min) s.min = o.seenAt;
        if (o.seenAt > s.max) s.max = o.seenAt;
        return;
      }
      if (this.sightings.size >= this.maxSightings) this.releaseSightings();
      this.sightings.set(key, { sent: o, min: o.seenAt, max: o.seenAt });
    }
    this.batch.push(o);
    if (this.batch.length >= this.batchSize) await this.flush();
  }

  /** Queue the remembered extremes that differ from what was sent, and forget them. */
  private releaseSightings(): void {
    for (const s of this.sightings.values()) {
      if (s.min < s.sent.seenAt!) this.batch.push({ ...s.sent, seenAt: s.min });
      if (s.max > s.sent.seenAt!) this.batch.push({ ...s.sent, seenAt: s.max });
    }
    this.sightings = new Map();
  }

  /** Send the batch in hand; waits only for the previous batch (at most one in flight). */
  async flush(): Promise<void> {
    await this.inFlight;
    if (this.failure) throw this.failure;
    if (this.batch.length === 0) return;
    const b = this.batch;
    this.batch = [];
    this.inFlight = this.applyBatch(b).catch((e) => {
      this.failure = e;
    });
  }

  /** Flush and wait for everything to be applied. */
  async end(): Promise<ApplyResult> {
    this.releaseSightings();
    await this.flush();
    await this.inFlight;
    if (this.failure) throw this.failure;
    return this.applied;
  }

  private async applyBatch(b: Observation[]): Promise<void> {
    try {
      addApplyResults(this.applied, await this.store.apply(b));
      return;
    } catch (e) {
      if (!isRecordLevel(e)) throw e;
    }
    for (const o of b) {
      try {
        addApplyResults(this.applied, await this.store.apply([o]));
      } catch (e) {
        if (!isRecordLevel(e)) throw e;
        const p = 'provenance' in o ? o.provenance : undefined;
        this.problem({ file: p?.file ?? p?.source ?? '?', record: p?.record, reason: (e as Error).message });
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
