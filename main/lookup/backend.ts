// What the ranking core needs from a database. Two implementations: SQLite (FTS5 + B-tree
// indexes, on a read-only connection) and Postgres (pg_trgm, tsvector, text_pattern_ops).
//
// A backend only proposes candidate names, cheaply and with bounded work; it may return extra
// rows (the matcher in ./match.ts drops them) but must not miss rows it claims to return in full.

/** One stored name, with what ranking needs. */
export interface NameRow {
  id: number;
  account: number;
  name: string;
  kind: string;
  fold: string;
  /** Milliseconds since the epoch; null when never recorded. */
  lastSeen: number | null;
  /** Set by sources that start from accounts (phone numbers by external id). */
  externalId?: string;
}

/** The predicate a step of the lookup plan fetches names by. Values are folded already. */
export type Predicate =
  /** fold equal to one of the values */
  | { type: 'equals'; values: string[] }
  /** fold starting with one of the values */
  | { type: 'prefix'; values: string[] }
  /** some word of fold starts with these words (`key` is the folded pattern they came from) */
  | { type: 'words'; key: string }
  /**
   * fold containing the value; with `wordsFirst`, rows where the value starts a word come
   * before the others in `newest` (one fetch serves both the word-prefix and substring tiers)
   */
  | { type: 'contains'; value: string; wordsFirst?: boolean }
  /** names of the accounts whose external id starts with one of the values */
  | { type: 'account-prefix'; values: string[] };

export interface Filter {
  /** Only handles: kind handle or nick, or a name stored with a leading `@`. */
  handlesOnly: boolean;
}

export interface Owner {
  account: number;
  externalId: string;
  persona: string;
  /** The human that owns the persona, if any. */
  human: string | null;
}

export interface LookupBackend {
  /** About how many names there are (sizes the candidate cap); cheap. */
  size(): Promise<number>;
  /**
   * How many names match the predicate through its own index, counting no further than
   * `cap + 1`; null when no index can answer it (a substring shorter than three letters).
   */
  count(pred: Predicate, cap: number): Promise<number | null>;
  /** The `max` most recently seen names matching the predicate, through its own index. */
  newest(pred: Predicate, filter: Filter, max: number): Promise<NameRow[]>;
  /**
   * The most recently seen names matching the predicate, newest first, at most `max`, through
   * the last_seen index, looking at no more than the `budget` most recently seen names in all
   * (bounded work for patterns that match too many names to sort).
   */
  recent(pred: Predicate, filter: Filter, max: number, budget: number): Promise<NameRow[]>;
  /** Up to `max` names matching the predicate in whatever order is cheapest. */
  some(pred: Predicate, filter: Filter, max: number): Promise<NameRow[]>;
  /**
   * Names containing `piece` that are within `edits` typos of `key` (the fuzzy fallback): looks
   * at no more than `scan` names containing the piece, returns at most `max`. The backend may
   * return extra rows (the matcher checks every one) but should filter where it can.
   */
  fuzzy(piece: string, key: string, edits: number, filter: Filter, max: number, scan: number): Promise<NameRow[]>;
  /** Persona and owning human of each account. */
  owners(accounts: readonly number[]): Promise<Map<number, Owner>>;
}
