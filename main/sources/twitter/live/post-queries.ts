// Two reads the periodic X workers need that the Store port does not offer (yet): the stub posts
// to backfill, and tombstoned posts that still hold content. They read through the adapter's own
// read connection (SQLite `readDb`, Postgres `pool`); writes still go through store.apply.
import type { Store } from '../../../store/port.js';

interface SqliteLike {
  readDb: { prepare(sql: string): { all(...params: unknown[]): unknown[] } };
}
interface PostgresLike {
  pool: { query(sql: string, params: unknown[]): Promise<{ rows: unknown[] }> };
}

const isSqlite = (s: unknown): s is SqliteLike => typeof (s as SqliteLike)?.readDb?.prepare === 'function';
const isPostgres = (s: unknown): s is PostgresLike => typeof (s as PostgresLike)?.pool?.query === 'function';

async function externalIds(store: Store, where: string, afterId: string, limit: number): Promise<string[]> {
  const sql = `select external_id as id from posts where service = 'twitter' and external_id like 'twitter+tweet:%' and ${where} and external_id > $1 order by external_id limit ${Math.max(1, Math.floor(limit))}`;
  if (isSqlite(store)) return (store.readDb.prepare(sql.replace('$1', '?')).all(afterId) as { id: string }[]).map((r) => r.id);
  if (isPostgres(store)) return ((await store.pool.query(sql, [afterId])).rows as { id: string }[]).map((r) => r.id);
  throw new Error(`the ${store.dialect} store offers no read of posts for the X workers`);
}

/** X stub posts (known only by reference, not tombstoned), in id order after `afterId`. */
export function twitterStubs(store: Store, afterId: string, limit: number): Promise<string[]> {
  return externalIds(store, 'poster is null and tombstone = false', afterId, limit);
}

/** Tombstoned X posts that still hold text or raw JSON (deletion compliance). */
export function tombstonesWithContent(store: Store, afterId: string, limit: number): Promise<string[]> {
  return externalIds(store, 'tombstone = true and (text is not null or raw is not null)', afterId, limit);
}

/** Full X posts (with a poster, not tombstoned), to re-check for deletion at the source. */
export function livePosts(store: Store, afterId: string, limit: number): Promise<string[]> {
  return externalIds(store, 'poster is not null and tombstone = false', afterId, limit);
}
