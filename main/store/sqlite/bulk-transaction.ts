// One transaction shared by many bulk batches (store.applyBulk), on the writer connection.
//
// Why: every commit writes each page the batch dirtied to the WAL, and a bulk import's batches
// each touch a random page of every index keyed by something random (names by their folded text,
// distribution rows by recipient ...). At a million tweets those indexes outgrow the cache and a
// 2000-observation batch dirtied ~3200 pages: 41 GB written to the WAL and the file for a 2 GB
// database, half the import's time in commits. Batches sharing a transaction write a page once
// per commit however many of them touched it.
//
// Semantics: each batch still runs as its own savepoint, all or nothing (better-sqlite3 nests
// db.transaction() that way), so a refused batch changes nothing and the ones before it stay.
// The transaction is committed when it is `maxAgeMs` old, when the writer has been idle for
// `idleMs`, before any other call on the writer (so everything else sees, and is ordered after,
// the batches before it), by commit(), and on close. Until then the batches are not durable and
// readers do not see them: importers commit at the end (BatchWriter.flush) and a resume cursor
// is a separate call, so it is only ever saved after the data it points past.
//
// The writer's page cache stays at its 32 MiB: with this, 64 or 128 MiB while a bulk transaction
// was open saved 3-7% of a million-tweet import and added 75-135 MB to its peak RSS.
import type { SqliteDb } from './open.js';
import { StoreError } from '../port.js';

export interface BulkTransactionOptions {
  maxAgeMs: number;
  idleMs: number;
  /** Called when an open bulk transaction is rolled back (row ids handed out in it are void). */
  onRollback(): void;
  /** Timers, injectable for tests. */
  now?(): number;
  setTimer?(fn: () => void, ms: number): unknown;
  clearTimer?(t: unknown): void;
}

export class BulkTransaction {
  private openedAt: number | undefined;
  private batches = 0;
  private idleTimer: unknown;
  /** An idle commit's failure, reported to the next call. */
  private failed: Error | undefined;
  /** Commits made (for tests and the debug log). */
  commits = 0;
  private readonly now: () => number;
  private readonly setTimer: (fn: () => void, ms: number) => unknown;
  private readonly clearTimer: (t: unknown) => void;

  constructor(
    private readonly db: SqliteDb,
    private readonly options: BulkTransactionOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
    this.setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref());
    this.clearTimer = options.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout));
  }

  get open(): boolean {
    return this.openedAt !== undefined;
  }

  /** Run one bulk batch (`fn` makes its own savepoint) in the shared transaction. */
  run<T>(fn: () => T): T {
    this.cancelIdle();
    this.throwIfFailed();
    if (this.openedAt === undefined) {
      if (this.db.inTransaction) throw new StoreError('a bulk batch cannot join a transaction it did not open', 'conflict');
      this.db.exec('BEGIN');
      this.openedAt = this.now();
      this.batches = 0;
    }
    let result: T;
    try {
      result = fn();
    } catch (e) {
      if (!this.db.inTransaction) {
        // SQLite rolled the whole transaction back (disk full, I/O error): the earlier batches too.
        const lost = this.batches;
        this.closed();
        this.options.onRollback();
        throw new StoreError(`${(e as Error).message}; the ${lost} bulk batches applied since the last commit were rolled back with it, and must be applied again`, 'conflict');
      }
      this.scheduleIdle();
      throw e;
    }
    this.batches++;
    if (this.now() - this.openedAt! >= this.options.maxAgeMs) this.commit();
    else this.scheduleIdle();
    return result;
  }

  /** Commit the open bulk transaction, if any; throws an earlier idle commit's failure. */
  commit(): void {
    this.cancelIdle();
    this.throwIfFailed();
    if (this.openedAt === undefined) return;
    try {
      this.db.exec('COMMIT');
    } catch (e) {
      const lost = this.batches;
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      this.closed();
      this.options.onRollback();
      throw new StoreError(`committing ${lost} bulk batches failed (${(e as Error).message}); they were not saved and must be applied again`, 'conflict');
    }
    this.commits++;
    this.closed();
  }

  private closed(): void {
    this.openedAt = undefined;
    this.batches = 0;
  }

  private throwIfFailed(): void {
    const f = this.failed;
    if (f) {
      this.failed = undefined;
      throw f;
    }
  }

  private scheduleIdle(): void {
    this.idleTimer = this.setTimer(() => {
      this.idleTimer = undefined;
      try {
        this.commit();
      } catch (e) {
        this.failed = e as Error;
      }
    }, this.options.idleMs);
  }

  private cancelIdle(): void {
    if (this.idleTimer !== undefined) this.clearTimer(this.idleTimer);
    this.idleTimer = undefined;
  }
}
