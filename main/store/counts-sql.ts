// What `Store.counts()` counts, defined once for both adapters so they cannot drift apart: each
// figure is a count over one table with an optional condition, written so that SQLite and
// Postgres read it the same way (booleans compared with `true`, which both accept).
import type { StoreCounts } from './port.js';

const COUNTS: Record<keyof StoreCounts, { table: string; where?: string }> = {
  humans: { table: 'humans' },
  personas: { table: 'personas' },
  accounts: { table: 'accounts' },
  names: { table: 'names' },
  posts: { table: 'posts' },
  stubs: { table: 'posts', where: 'poster is null' },
  tombstones: { table: 'posts', where: 'tombstone = true' },
  accountRelationships: { table: 'account_relationships' },
  postRelationships: { table: 'post_relationships' },
  distribution: { table: 'post_distribution' },
  interactions: { table: 'post_interactions' },
  links: { table: 'links' },
  evidence: { table: 'evidence' },
  lists: { table: 'lists' },
  notes: { table: 'notes' },
  merges: { table: 'merge_log', where: 'undone_at is null' },
};

/** One query returning one row with a column per figure, named as in StoreCounts (quoted). */
export const COUNTS_SQL = `select ${Object.entries(COUNTS)
  .map(([key, c]) => `(select count(*) from ${c.table}${c.where ? ` where ${c.where}` : ''}) as "${key}"`)
  .join(', ')}`;

/** The row of COUNTS_SQL as numbers (Postgres returns count(*) as a string). */
export function countsFromRow(row: Record<string, unknown>): StoreCounts {
  const out = {} as StoreCounts;
  for (const key of Object.keys(COUNTS) as (keyof StoreCounts)[]) out[key] = Number(row[key]);
  return out;
}
