// The Store port: the one interface every part of Skrode writes and reads people through.
// Two adapters implement it: SQLite (single user; a writer worker thread owns the only write
// connection) and PostgreSQL (multi-host). One contract test suite runs against both
// (main/store/contract.test-suite.ts).

import type { ApplyResult, Observation, PersonaRel } from '../model/observations.js';
import type { PersonDto } from '../../shared/people.js';
import type { SuggestionDto, SuggestionState } from '../../shared/suggestions.js';

export type Dialect = 'sqlite' | 'postgres';

export interface StoreCounts {
  humans: number;
  personas: number;
  accounts: number;
  names: number;
  posts: number;
  stubs: number;
  tombstones: number;
  accountRelationships: number;
  postRelationships: number;
  distribution: number;
  interactions: number;
  links: number;
  evidence: number;
  lists: number;
  notes: number;
  merges: number;
}

export interface MergeRecord {
  /** The merge_log id; give it to `split` to undo the merge. */
  id: string;
  winner: string;
  loser: string;
  movedAccounts: number;
  at: string;
}

export interface LinkRecord {
  human: string;
  persona: string;
  rel: PersonaRel;
}

/** Raised for a request that names something that does not exist, or is not allowed. */
export class StoreError extends Error {
  override name = 'StoreError';
  constructor(
    message: string,
    readonly kind: 'not-found' | 'invalid' | 'conflict' | 'version' | 'corrupt' = 'invalid',
  ) {
    super(message);
  }
}

/** One message in which an address was seen under a `suggest` header (see shared/suggestions.ts). */
export interface SuggestionSighting {
  address: string;
  /** The display name it had in that message. */
  name?: string;
  /** The message's post external id: a message is counted once however often it is recorded. */
  message: string;
  /** ISO time of the message. */
  at?: string;
  source: string;
}

export interface Store {
  readonly dialect: Dialect;

  /**
   * Apply a batch of observations in one transaction. Idempotent by external id: applying the
   * same batch twice, or overlapping batches, leaves exactly one of everything. A batch that
   * fails validation is rejected whole with a StoreError naming the observation's provenance.
   */
  apply(batch: readonly Observation[]): Promise<ApplyResult>;
  /**
   * Like apply, for bulk imports: the batch is all or nothing as with apply, but it may share a
   * transaction with the bulk batches before and after it, committed within seconds, when the
   * store is idle, before any other write, and by commitBulk(). Until then it is neither durable
   * nor visible to reads. (SQLite; Postgres applies each batch in its own transaction.)
   */
  applyBulk(batch: readonly Observation[]): Promise<ApplyResult>;
  /** Commit the bulk batches applied so far; rejects if that (or an earlier automatic commit) failed. */
  commitBulk(): Promise<void>;

  // --- identity operations (every merge is logged and can be undone) ---

  /** Move every account of `loser` into `winner`, delete `loser`; one transaction, logged. */
  mergePersonas(winner: string, loser: string, reason?: string): Promise<MergeRecord>;
  /** Undo a merge recorded in merge_log: the loser persona comes back with its accounts. */
  splitMerge(mergeId: string): Promise<void>;
  /** Link a persona under a human (a new human when `human` is null), with a typed relation. */
  linkPersona(human: string | null, persona: string, rel: PersonaRel): Promise<LinkRecord>;
  unlinkPersona(human: string, persona: string): Promise<void>;
  /** A persona-level name (the original's `namesvc`), found by whois like any other. */
  addPersonaName(persona: string, name: string): Promise<void>;
  /** Remember that two personas are not the same person, so they are never suggested again. */
  markNotSame(a: string, b: string): Promise<void>;

  // --- notes (the user's own words) ---
  setNote(target: { human?: string; persona?: string }, text: string, noteId?: number): Promise<number>;
  deleteNote(noteId: number): Promise<void>;

  // --- reads ---
  /** A human with all personas, or a persona; by id (a human or persona uuid) or external id. */
  person(id: string): Promise<PersonDto | null>;
  /** Which persona an account (by external id) belongs to. */
  personaOf(externalId: string): Promise<string | null>;
  counts(): Promise<StoreCounts>;
  mergeLog(): Promise<{ id: string; op: string; winner: string; loser: string; at: string; undoneAt: string | null; reason: string | null }[]>;

  // --- source bookkeeping: where each connector resumes ---
  getCursor(source: string, key: string): Promise<string | null>;
  setCursor(source: string, key: string, value: string): Promise<void>;

  // --- suggestions (addresses a mail import saw under a `suggest` header) ---
  /** Record sightings; idempotent per (address, message). A dismissed address stays dismissed. */
  recordSuggestions(sightings: readonly SuggestionSighting[]): Promise<void>;
  /**
   * Suggestions in a state, most seen first; `pending` (the default) leaves out addresses that
   * have become accounts meanwhile (captured by another message or source). With `address`, that
   * one suggestion in whatever state (an empty list when there is none).
   */
  suggestions(opts?: { state?: SuggestionState; address?: string; limit?: number }): Promise<SuggestionDto[]>;
  /** Mark a suggestion accepted or dismissed; StoreError not-found when there is none. */
  setSuggestionState(address: string, state: Exclude<SuggestionState, 'pending'>): Promise<void>;

  close(): Promise<void>;
}
