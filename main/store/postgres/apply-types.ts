// Shared pieces of the bulk apply: its context, the account map, and key-ordered sorting (rows
// are always written in sorted key order so concurrent writers lock rows in the same order).

import type pg from 'pg';
import { byCodeUnit } from './sql-values.js';

export interface ApplyContext {
  client: pg.PoolClient;
  /** The time of this apply (ms): the default for every absent "seen" time. */
  now: number;
  /** Services already known to exist, so most batches skip the services upsert. */
  knownServices: Set<string>;
  /** Merges done so far in this transaction, to keep merge_log in the order they happened. */
  mergeSeq: number;
  /** Called when another writer created some of this batch's new posts first (they re-plan). */
  onRace?: () => void;
}

export interface AccountRow {
  id: number;
  persona: string;
  /** Inserted by this apply. */
  created?: boolean;
}

/** External id → row, for every account the batch names. Kept current through merges. */
export type AccountMap = Map<string, AccountRow>;

function cmpTuple(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return byCodeUnit(String(x), String(y));
  }
  return 0;
}

export function sortedBy<T>(rows: T[], key: (r: T) => readonly (string | number)[]): T[] {
  return rows.sort((a, b) => cmpTuple(key(a), key(b)));
}
