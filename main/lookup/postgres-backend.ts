// The Postgres lookup backend: text_pattern_ops B-tree on names.fold for exact and prefix
// matches (LIKE 'q%' with the user's % _ \ escaped), the `search` tsvector (GIN) for word
// prefixes, pg_trgm (GIN) for substrings, and the last_seen index for "the most recent matches".
// Every user string is a bound parameter; tsquery text is built from quoted lexemes only.
import type pg from 'pg';
import type { Filter, LookupBackend, NameRow, Owner, Predicate } from './backend.js';
import { chars, likeEscape, tsWordPrefix } from './query.js';

const COLS = `n.id::float8 AS id, n.account::float8 AS account, n.name AS name, n.kind AS kind, n.fold AS fold,
  (extract(epoch from n.last_seen) * 1000)::float8 AS "lastSeen"`;
const HANDLES = " AND (n.kind IN ('handle', 'nick') OR left(n.fold, 1) = '@')";

/** Builds a parameter list and hands out `$n` placeholders. */
class Params {
  readonly values: unknown[] = [];
  add(v: unknown): string {
    this.values.push(v);
    return `$${this.values.length}`;
  }
}

function prefixes(column: string, values: string[], p: Params): string {
  return `(${values.map((v) => `${column} LIKE ${p.add(`${likeEscape(v)}%`)} ESCAPE '\\'`).join(' OR ')})`;
}

/** A per-row predicate for scans: exact for equals, prefix and contains; a superset for words. */
function rowPredicate(pred: Predicate, p: Params): string {
  switch (pred.type) {
    case 'equals':
      return `n.fold = ANY(${p.add(pred.values)}::text[])`;
    case 'prefix':
      return prefixes('n.fold', pred.values, p);
    case 'words':
      return `strpos(n.fold, ${p.add(pred.key)}) > 0`;
    case 'contains':
      return `strpos(n.fold, ${p.add(pred.value)}) > 0`;
    case 'account-prefix':
      return `n.account IN (SELECT a.id FROM accounts a WHERE ${prefixes('a.external_id', pred.values, p)})`;
  }
}

/** The predicate that finds a step's candidates through an index, or null when none can. */
function indexedPredicate(pred: Predicate, p: Params): string | null {
  if (pred.type === 'words') {
    const q = tsWordPrefix(pred.key);
    return q ? `n.search @@ to_tsquery('simple', ${p.add(q)})` : null;
  }
  if (pred.type === 'contains') {
    // pg_trgm needs three letters to narrow anything down.
    return chars(pred.value).length >= 3 ? `n.fold LIKE ${p.add(`%${likeEscape(pred.value)}%`)} ESCAPE '\\'` : null;
  }
  return rowPredicate(pred, p);
}

interface RawRow {
  id: number;
  account: number;
  name: string;
  kind: string;
  fold: string;
  lastSeen: number | null;
}

export class PostgresLookupBackend implements LookupBackend {
  constructor(private readonly pool: pg.Pool) {}

  private async rows(sql: string, values: unknown[]): Promise<NameRow[]> {
    const r = await this.pool.query<RawRow>(sql, values);
    return r.rows;
  }

  private sizeCache: { at: number; n: number } | null = null;

  async size(): Promise<number> {
    if (!this.sizeCache || Date.now() - this.sizeCache.at > 60_000) {
      // The planner's estimate: free, and good enough to size a cap.
      const r = await this.pool.query<{ n: number }>("SELECT greatest(reltuples, 0)::float8 AS n FROM pg_class WHERE oid = to_regclass('names')");
      this.sizeCache = { at: Date.now(), n: r.rows[0]?.n ?? 0 };
    }
    return this.sizeCache.n;
  }

  async count(pred: Predicate, cap: number): Promise<number | null> {
    const p = new Params();
    const where = indexedPredicate(pred, p);
    if (where === null) return null;
    const r = await this.pool.query<{ c: number }>(`SELECT count(*)::int AS c FROM (SELECT 1 FROM names n WHERE ${where} LIMIT ${p.add(cap + 1)}) s`, p.values);
    return r.rows[0]!.c;
  }

  async newest(pred: Predicate, filter: Filter, max: number): Promise<NameRow[]> {
    const p = new Params();
    const where = indexedPredicate(pred, p) ?? rowPredicate(pred, p);
    // Word starts first when asked (after a common separator; the matcher knows them all).
    const first = pred.type === 'contains' && pred.wordsFirst ? `strpos(' ' || translate(n.fold, '@._-''', '     '), ${p.add(` ${pred.value.replace(/[@._'-]/g, ' ')}`)}) > 0 DESC, ` : '';
    return this.rows(`SELECT ${COLS} FROM names n WHERE ${where}${filter.handlesOnly ? HANDLES : ''} ORDER BY ${first}n.last_seen DESC NULLS LAST LIMIT ${p.add(max)}`, p.values);
  }

  async recent(pred: Predicate, filter: Filter, max: number, budget: number): Promise<NameRow[]> {
    const p = new Params();
    const b = p.add(budget);
    const where = rowPredicate(pred, p);
    const m = p.add(max);
    // The inner scan walks names_last_seen_fold backwards and stops after `budget` rows; the executor
    // pulls from it lazily, so the outer LIMIT stops it as soon as `max` rows match.
    return this.rows(
      `SELECT ${COLS} FROM (SELECT * FROM names WHERE last_seen IS NOT NULL ORDER BY last_seen DESC LIMIT ${b}) n
        WHERE ${where}${filter.handlesOnly ? HANDLES : ''} LIMIT ${m}`,
      p.values,
    );
  }

  async some(pred: Predicate, filter: Filter, max: number): Promise<NameRow[]> {
    const p = new Params();
    const where = indexedPredicate(pred, p) ?? rowPredicate(pred, p);
    return this.rows(`SELECT ${COLS} FROM names n WHERE ${where}${filter.handlesOnly ? HANDLES : ''} LIMIT ${p.add(max)}`, p.values);
  }

  async fuzzy(piece: string, key: string, _edits: number, filter: Filter, max: number, scan: number): Promise<NameRow[]> {
    // Postgres has no edit distance without an extension: take the piece's candidates closest
    // to the pattern by pg_trgm word similarity; the matcher then checks the distance.
    const p = new Params();
    const like = p.add(`%${likeEscape(piece)}%`);
    const s = p.add(scan);
    const k = p.add(key);
    return this.rows(
      `SELECT ${COLS} FROM (SELECT * FROM names WHERE fold LIKE ${like} ESCAPE '\\' LIMIT ${s}) n
        WHERE true${filter.handlesOnly ? HANDLES : ''} ORDER BY word_similarity(${k}, n.fold) DESC LIMIT ${p.add(max)}`,
      p.values,
    );
  }

  async owners(accounts: readonly number[]): Promise<Map<number, Owner>> {
    const r = await this.pool.query<Owner>(
      `SELECT a.id::float8 AS account, a.external_id AS "externalId", a.persona::text AS persona,
              (SELECT pc.human::text FROM persona_control pc
                WHERE pc.persona = a.persona AND pc.rel IN ('owns', 'participates')
                ORDER BY (pc.rel = 'owns') DESC, pc.created_at, pc.human LIMIT 1) AS human
         FROM accounts a WHERE a.id = ANY($1::bigint[])`,
      [accounts],
    );
    return new Map(r.rows.map((o) => [o.account, o]));
  }
}
