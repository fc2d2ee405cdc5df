// The SQLite lookup backend: B-tree ranges on names.fold for exact and prefix matches, FTS5
// (names_fts: word prefixes; names_tri: trigrams) for words and substrings, and the last_seen
// index for "the most recent matches" when a pattern matches too many names to rank.
// Every user string reaches SQLite as a bound parameter; FTS5 strings are built from quoted
// tokens only (./query.ts), so no operator, wildcard or column filter from the user survives.
import type Database from 'better-sqlite3';
import type { Filter, LookupBackend, NameRow, Owner, Predicate } from './backend.js';
import { substringDistance } from './match.js';
import { chars, ftsWordPrefix, prefixUpperBound, trigrams } from './query.js';

type Db = Database.Database;
type Param = string | number;

const COLS = 'n.id AS id, n.account AS account, n.name AS name, n.kind AS kind, n.fold AS fold, n.last_seen AS lastSeen';
/** How many index candidates `some` looks at, at most. */
const SOME_SCAN = 1000;
/** How far the rarity probe counts a trigram's names. */
const RARITY_PROBE = 1024;
const HANDLES = " AND (n.kind IN ('handle', 'nick') OR substr(n.fold, 1, 1) = '@')";

interface Sql {
  where: string;
  params: Param[];
}

function ranges(column: string, values: string[]): Sql {
  return {
    where: `(${values.map(() => `(${column} >= ? AND ${column} < ?)`).join(' OR ')})`,
    params: values.flatMap((v) => [v, prefixUpperBound(v)]),
  };
}

/**
 * A per-row predicate on `n` for scans (recency order, or rowid order): exact for equals,
 * prefix and contains, a superset (contains the pattern) for word prefixes.
 */
function rowPredicate(pred: Predicate): Sql {
  switch (pred.type) {
    case 'equals':
      return { where: `n.fold IN (${pred.values.map(() => '?').join(', ')})`, params: pred.values };
    case 'prefix':
      return ranges('n.fold', pred.values);
    case 'words':
      return { where: 'instr(n.fold, ?) > 0', params: [pred.key] };
    case 'contains':
      return { where: 'instr(n.fold, ?) > 0', params: [pred.value] };
    case 'account-prefix': {
      const r = ranges('a.external_id', pred.values);
      return { where: `n.account IN (SELECT a.id FROM accounts a WHERE ${r.where})`, params: r.params };
    }
  }
}

/**
 * Trigrams over-approximate a substring (they may occur apart); checking the substring itself
 * before sorting keeps the near misses from crowding real matches out of the top rows.
 */
function exactSubstring(pred: Predicate): Sql {
  if (pred.type === 'contains') return { where: ' AND instr(n.fold, ?) > 0', params: [pred.value] };
  // A word prefix follows a separator; the common separators are checked here, the matcher
  // checks the rest (names with rarer ones are still found by the substring step).
  if (pred.type === 'words') {
    const w = wordStartTest(pred.key);
    return { where: ` AND ${w.where}`, params: w.params };
  }
  return { where: '', params: [] };
}

/** Whether `value` starts a word of n.fold (after a common separator; the matcher knows them all). */
function wordStartTest(value: string): Sql {
  return { where: `instr(' ' || ${SEPARATORS_TO_SPACES('n.fold')}, ?) > 0`, params: [` ${separatorsToSpaces(value)}`] };
}

/** An ORDER BY prefix putting rows where `value` starts a word first. */
function wordStart(value: string): Sql {
  const w = wordStartTest(value);
  return { where: `${w.where} DESC, `, params: w.params };
}

const SEPARATORS = ['@', '.', '_', '-', "'"];
function SEPARATORS_TO_SPACES(column: string): string {
  return SEPARATORS.reduce((sql, c) => `replace(${sql}, '${c.replace("'", "''")}', ' ')`, column);
}
function separatorsToSpaces(s: string): string {
  return SEPARATORS.reduce((acc, c) => acc.replaceAll(c, ' '), s);
}

interface AccountNameRow extends Omit<NameRow, 'id' | 'name' | 'kind' | 'fold'> {
  id: number | null;
  name: string | null;
  kind: string | null;
  fold: string | null;
  externalId: string;
  accountSeen: number | null;
}

export class SqliteLookupBackend implements LookupBackend {
  private readonly statements = new Map<string, Database.Statement>();
  private readonly trigramCache = new Map<string, string | null>();

  constructor(private readonly db: Db) {
    // The fuzzy fallback's filter runs inside SQLite, so only near matches reach JavaScript.
    db.function('skrode_within_edits', { deterministic: true }, (fold: unknown, key: unknown, edits: unknown) =>
      typeof fold === 'string' && typeof key === 'string' && typeof edits === 'number' && substringDistance(key, fold, edits) <= edits ? 1 : 0,
    );
  }

  /**
   * The FTS5 table and MATCH string that find a predicate's candidates, when it has one.
   * Substrings use their three rarest trigrams: FTS5 intersects doclists by seeking from the
   * shortest, so an AND over a rare trigram costs little, while one over common trigrams only
   * (`exa`, `com`, `ste`) reads long doclists end to end.
   */
  private ftsQuery(pred: Predicate): { table: 'names_fts' | 'names_tri'; match: string } | null {
    if (pred.type === 'words') {
      // Three letters or more: the trigram index (a word prefix is a substring). Fewer: the
      // word index's 1- and 2-letter prefix indexes. (A longer prefix query, `"lovel"*`, makes
      // FTS5 merge the doclists of every matching word in full: tens of ms for common words.)
      if (chars(pred.key).length >= 3) return this.ftsQuery({ type: 'contains', value: pred.key });
      const match = ftsWordPrefix(pred.key);
      return match ? { table: 'names_fts', match } : null;
    }
    if (pred.type !== 'contains') return null;
    const cached = this.trigramCache.get(pred.value);
    if (cached !== undefined) return cached === null ? null : { table: 'names_tri', match: cached };
    const all = trigrams(pred.value, 32);
    let match: string | null = null;
    if (all.length > 0) {
      const quoted = (t: string) => `"${t.replaceAll('"', '""')}"`;
      const probe = this.stmt(`SELECT count(*) AS c FROM (SELECT 1 FROM names_tri WHERE names_tri MATCH ? LIMIT ${RARITY_PROBE})`);
      const counted = all.map((t, i) => ({ t, i, c: all.length === 1 ? 0 : (probe.get(quoted(t)) as { c: number }).c })).sort((a, b) => a.c - b.c || a.i - b.i);
      // FTS5 reads every doclist of an AND to its end, so the AND is only as cheap as its
      // longest list: take the rarest trigram (one no name has ends the search at once, empty),
      // and a second one only when it is rare too. The database then checks the substring.
      const chosen = counted.slice(0, 1);
      const second = counted.find((x) => x.i !== counted[0]!.i && Math.abs(x.i - counted[0]!.i) >= 2 && x.c < RARITY_PROBE);
      if (second) chosen.push(second);
      match = chosen.map((x) => quoted(x.t)).join(' AND ');
    }
    if (this.trigramCache.size > 256) this.trigramCache.clear();
    this.trigramCache.set(pred.value, match);
    return match === null ? null : { table: 'names_tri', match };
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private all(sql: string, params: Param[]): NameRow[] {
    return this.stmt(sql).all(...params) as NameRow[];
  }

  /** Names of accounts found by external id; an account without names stands for itself. */
  private accountNames(pred: Extract<Predicate, { type: 'account-prefix' }>, filter: Filter, limit: number): NameRow[] {
    const r = ranges('a.external_id', pred.values);
    const rows = this.stmt(
      `SELECT n.id AS id, a.id AS account, n.name AS name, n.kind AS kind, n.fold AS fold, n.last_seen AS lastSeen,
              a.external_id AS externalId, a.last_seen AS accountSeen
         FROM accounts a LEFT JOIN names n ON n.account = a.id
        WHERE ${r.where} LIMIT ?`,
    ).all(...r.params, limit) as AccountNameRow[];
    const out: NameRow[] = [];
    for (const row of rows) {
      if (row.id !== null && row.name !== null && row.kind !== null && row.fold !== null) {
        const n: NameRow = { id: row.id, account: row.account, name: row.name, kind: row.kind, fold: row.fold, lastSeen: row.lastSeen, externalId: row.externalId };
        if (!filter.handlesOnly || n.kind === 'handle' || n.kind === 'nick' || n.fold.startsWith('@')) out.push(n);
      } else if (!filter.handlesOnly) {
        const local = row.externalId.slice(row.externalId.indexOf(':') + 1);
        // Negative ids cannot collide with real name ids.
        out.push({ id: -row.account, account: row.account, name: local, kind: 'phone', fold: local, lastSeen: row.accountSeen, externalId: row.externalId });
      }
    }
    return out;
  }

  private sizeCache: { at: number; n: number } | null = null;

  async size(): Promise<number> {
    // max(id) is one index probe; it over-counts after deletions, which only loosens the cap.
    if (!this.sizeCache || Date.now() - this.sizeCache.at > 60_000) {
      const r = this.stmt('SELECT coalesce(max(id), 0) AS n FROM names').get() as { n: number };
      this.sizeCache = { at: Date.now(), n: r.n };
    }
    return this.sizeCache.n;
  }

  async count(pred: Predicate, cap: number): Promise<number | null> {
    if (pred.type === 'account-prefix') return this.accountNames(pred, { handlesOnly: false }, cap + 1).length;
    if (pred.type === 'equals' || pred.type === 'prefix') {
      // On the fold index alone (no table reads).
      const p = rowPredicate(pred);
      return (this.stmt(`SELECT count(*) AS c FROM (SELECT 1 FROM names n WHERE ${p.where} LIMIT ?)`).get(...p.params, cap + 1) as { c: number }).c;
    }
    const fts = this.ftsQuery(pred);
    if (!fts) return null; // fewer than three letters: no trigram to search by
    return (this.stmt(`SELECT count(*) AS c FROM (SELECT 1 FROM ${fts.table} WHERE ${fts.table} MATCH ? LIMIT ?)`).get(fts.match, cap + 1) as { c: number }).c;
  }

  async newest(pred: Predicate, filter: Filter, max: number): Promise<NameRow[]> {
    if (pred.type === 'account-prefix') return this.accountNames(pred, filter, max);
    const handles = filter.handlesOnly ? HANDLES : '';
    // SQLite keeps only the best `max` rows while sorting: no row but those reaches JavaScript.
    const fts = this.ftsQuery(pred);
    if (fts) {
      const exact = exactSubstring(pred);
      const first = pred.type === 'contains' && pred.wordsFirst ? wordStart(pred.value) : { where: '', params: [] };
      return this.all(
        `SELECT ${COLS} FROM ${fts.table} f CROSS JOIN names n ON n.id = f.rowid WHERE ${fts.table} MATCH ?${exact.where}${handles}
          ORDER BY ${first.where}n.last_seen DESC LIMIT ?`,
        [fts.match, ...exact.params, ...first.params, max],
      );
    }
    const p = rowPredicate(pred);
    if (filter.handlesOnly) return this.all(`SELECT ${COLS} FROM names n WHERE ${p.where}${handles} ORDER BY n.last_seen DESC LIMIT ?`, [...p.params, max]);
    // Two phases: pick the ids by fold and last_seen alone (index-only when the database has an
    // index on (fold, last_seen)), then read those few rows.
    const ids = this.stmt(`SELECT n.id AS id FROM names n WHERE ${p.where} ORDER BY n.last_seen DESC LIMIT ?`).pluck().all(...p.params, max) as number[];
    if (ids.length === 0) return [];
    const rows = this.all(`SELECT ${COLS} FROM names n WHERE n.id IN (SELECT value FROM json_each(?))`, [JSON.stringify(ids)]);
    return rows.sort((a, b) => (b.lastSeen ?? -Infinity) - (a.lastSeen ?? -Infinity));
  }

  async recent(pred: Predicate, filter: Filter, max: number, budget: number): Promise<NameRow[]> {
    if (pred.type === 'account-prefix') return this.accountNames(pred, filter, max);
    const p = rowPredicate(pred);
    const handles = filter.handlesOnly ? HANDLES : '';
    // The inner query walks the (last_seen, fold) index newest first and stops after `budget`
    // names; SQLite runs it as a co-routine, so the outer LIMIT stops it as soon as `max` match.
    if (filter.handlesOnly) {
      return this.all(
        `SELECT ${COLS} FROM (SELECT id, account, name, kind, fold, last_seen FROM names INDEXED BY names_last_seen_fold
                                ORDER BY last_seen DESC LIMIT ?) n
          WHERE ${p.where}${handles} LIMIT ?`,
        [budget, ...p.params, max],
      );
    }
    // Without the handle filter the walk reads no table row at all; then only the few found.
    const ids = this.stmt(
      `SELECT n.id FROM (SELECT id, fold, last_seen FROM names INDEXED BY names_last_seen_fold ORDER BY last_seen DESC LIMIT ?) n WHERE ${p.where} LIMIT ?`,
    )
      .pluck()
      .all(budget, ...p.params, max) as number[];
    if (ids.length === 0) return [];
    const rows = this.all(`SELECT ${COLS} FROM names n WHERE n.id IN (SELECT value FROM json_each(?))`, [JSON.stringify(ids)]);
    return rows.sort((a, b) => (b.lastSeen ?? -Infinity) - (a.lastSeen ?? -Infinity));
  }

  async some(pred: Predicate, filter: Filter, max: number): Promise<NameRow[]> {
    if (pred.type === 'account-prefix') return this.accountNames(pred, filter, max);
    const handles = filter.handlesOnly ? HANDLES : '';
    const fts = this.ftsQuery(pred);
    if (fts) {
      // Look at a bounded number of index candidates: this is the fallback of a fallback.
      const exact = exactSubstring(pred);
      return this.all(
        `SELECT ${COLS} FROM (SELECT n.id, n.account, n.name, n.kind, n.fold, n.last_seen
                                FROM ${fts.table} f CROSS JOIN names n ON n.id = f.rowid WHERE ${fts.table} MATCH ? LIMIT ?) n
          WHERE true${exact.where}${handles} LIMIT ?`,
        [fts.match, SOME_SCAN, ...exact.params, max],
      );
    }
    if (pred.type === 'equals' || pred.type === 'prefix') {
      // Each form on its own, and only so far into its range: in handle mode the bare form's
      // range is mostly display names, which the filter drops.
      const rows: NameRow[] = [];
      for (const value of pred.values) {
        const p = rowPredicate({ type: pred.type, values: [value] });
        const inner = `SELECT n.id, n.account, n.name, n.kind, n.fold, n.last_seen FROM names n WHERE ${p.where} LIMIT ?`;
        rows.push(...this.all(`SELECT ${COLS} FROM (${inner}) n WHERE true${handles} LIMIT ?`, [...p.params, SOME_SCAN, max]));
      }
      return rows;
    }
    const p = rowPredicate(pred);
    return this.all(`SELECT ${COLS} FROM names n WHERE ${p.where}${handles} LIMIT ?`, [...p.params, max]);
  }

  async fuzzy(piece: string, key: string, edits: number, filter: Filter, max: number, scan: number): Promise<NameRow[]> {
    const fts = this.ftsQuery({ type: 'contains', value: piece });
    if (!fts) return [];
    const match = fts.match;
    const handles = filter.handlesOnly ? HANDLES : '';
    return this.all(
      `SELECT ${COLS} FROM (SELECT n.id, n.account, n.name, n.kind, n.fold, n.last_seen
                              FROM names_tri f CROSS JOIN names n ON n.id = f.rowid WHERE names_tri MATCH ? LIMIT ?) n
        WHERE skrode_within_edits(n.fold, ?, ?)${handles} LIMIT ?`,
      [match, scan, key, edits, max],
    );
  }

  async owners(accounts: readonly number[]): Promise<Map<number, Owner>> {
    const s = this.stmt(
      `SELECT a.id AS account, a.external_id AS externalId, a.persona AS persona,
              (SELECT pc.human FROM persona_control pc WHERE pc.persona = a.persona AND pc.rel IN ('owns', 'participates')
                ORDER BY pc.rel = 'owns' DESC, pc.created_at, pc.human LIMIT 1) AS human
         FROM accounts a WHERE a.id = ?`,
    );
    const out = new Map<number, Owner>();
    for (const id of accounts) {
      const row = s.get(id) as Owner | undefined;
      if (row) out.set(id, row);
    }
    return out;
  }
}
