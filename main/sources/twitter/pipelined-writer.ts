// Batches observations into store.apply with batches in flight while the next is being read: the
// SQLite store applies on its writer thread, so parsing and writing overlap, and a second batch
// (already validated and cloned on this thread) waits in the writer's queue, so the writer goes
// from one batch straight to the next instead of idling while this thread prepares it.
// A batch the store rejects (validation names one bad observation) is retried one observation at a
// time, so one bad record costs only itself and is reported with its provenance; the good ones are
// applied. Batches are sent in order, and none is sent while a rejected one is being retried.
import { addApplyResults, emptyApplyResult, type AccountSeen, type ApplyResult, type Observation } from '../../model/observations.js';
import type { Store } from '../../store/port.js';
import type { ImportProblem } from '../importer.js';

/**
 * Repeated sightings of one account with the same names (every mention of a popular account)
 * are folded: the first sighting is applied at once (so the account and its names exist early),
 * later ones only widen a remembered [earliest, latest] seenAt, and when the account is forgotten
 * (at the end, or as the least recently seen one when the memory cap is reached) at most two more
 * observations carry those extremes. The store's first/last seen come out exactly as if every
 * sighting had been applied. Forgetting one account at a time, not all of them at once, matters:
 * every account forgotten and seen again costs the writer a sighting and an extreme more, each
 * rewriting the account's names and their seen-time index entries.
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
  /** Batches sent and not yet applied, oldest first. */
  private inFlight: Promise<void>[] = [];
  /** Set while a rejected batch is retried one by one: later batches wait for it (order). */
  private retrying: Promise<void> | undefined;
  private failure: unknown;
  readonly applied: ApplyResult = emptyApplyResult();
  observations = 0;

  constructor(
    private readonly store: Store,
    private readonly problem: (p: ImportProblem) => void,
    private readonly batchSize = 2000,
    /** Most accounts remembered for folding (bounds memory on huge archives). */
    private readonly maxSightings = 50_000,
    /**
     * Batches sent and not yet applied. Two only where the store applies its calls one after the
     * other in the order they came (SQLite: the one writer thread); Postgres runs each apply in
     * its own transaction, concurrently, so there a batch waits for the one before it.
     */
    private readonly maxInFlight = store.dialect === 'sqlite' ? 2 : 1,
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
        // Most recently seen last (a Map keeps insertion order), so the first is the one to forget.
        this.sightings.delete(key);
        this.sightings.set(key, s);
        return;
      }
      if (this.sightings.size >= this.maxSightings) {
        const [oldest, first] = this.sightings.entries().next().value as [string, Sightings];
        this.sightings.delete(oldest);
        this.queueExtremes(first);
      }
      this.sightings.set(key, { sent: o, min: o.seenAt, max: o.seenAt });
    }
    this.batch.push(o);
    if (this.batch.length >= this.batchSize) await this.flush();
  }

  /** Queue the remembered extremes of one account that differ from what was sent. */
  private queueExtremes(s: Sightings): void {
    if (s.min < s.sent.seenAt!) this.batch.push({ ...s.sent, seenAt: s.min });
    if (s.max > s.sent.seenAt!) this.batch.push({ ...s.sent, seenAt: s.max });
  }

  /** Queue every remembered account's extremes, and forget them all. */
  private releaseSightings(): void {
    for (const s of this.sightings.values()) this.queueExtremes(s);
    this.sightings = new Map();
  }

  /** Send the batch in hand; waits only while maxInFlight batches are still being applied. */
  async flush(): Promise<void> {
    while (this.inFlight.length >= this.maxInFlight) await this.inFlight.shift();
    while (this.retrying) await this.retrying;
    if (this.failure) throw this.failure;
    if (this.batch.length === 0) return;
    const b = this.batch;
    this.batch = [];
    this.inFlight.push(
      this.applyBatch(b).catch((e) => {
        this.failure = e;
      }),
    );
  }

  /** Flush and wait for everything to be applied. */
  async end(): Promise<ApplyResult> {
    this.releaseSightings();
    await this.flush();
    while (this.inFlight.length) await this.inFlight.shift();
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
    // Both adapters validate before anything leaves this thread, so the rejection arrives before
    // the next batch is sent; the gate keeps that batch back until these retries are applied.
    const retries = this.applyOneByOne(b);
    this.retrying = retries;
    try {
      await retries;
    } finally {
      this.retrying = undefined;
    }
  }

  private async applyOneByOne(b: Observation[]): Promise<void> {
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
