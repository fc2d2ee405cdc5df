// Observations: the plain data every source produces and the store applies.
//
// A source never writes to the database. It turns what it reads (a zip, an API page, an IRC line)
// into observations; the store applies them idempotently, keyed by global external ids such as
// `twitter+user:123`. Observations are JSON-serialisable so they can cross worker threads, queues
// and the JSON-lines import format (see docs/observations.md).

/** Where an observation came from. Kept on the rows it creates, and used in error messages. */
export interface Provenance {
  /** The source kind and instance, e.g. `x-archive`, `jsonl`, `imap:work`, `feed:https://…`. */
  source: string;
  /** A file inside the source (archive member, mbox path) when there is one. */
  file?: string;
  /** The record within the file or endpoint: a line number, a tweet id, a Message-ID. */
  record?: string;
}

export const NAME_KINDS = ['handle', 'display', 'email', 'alias', 'phone', 'nick'] as const;
export type NameKind = (typeof NAME_KINDS)[number];

export interface NameSeen {
  name: string;
  kind: NameKind;
}

export const RELATIONSHIP_KINDS = ['follows', 'blocks', 'mutes', 'ignores'] as const;
export type RelationshipKind = (typeof RELATIONSHIP_KINDS)[number];

export const INTERACTION_KINDS = ['like', 'dislike', 'share', 'bookmark', 'hide'] as const;
export type InteractionKind = (typeof INTERACTION_KINDS)[number];

export const POST_RELATIONS = ['reply-to', 'quotes', 'shares', 'thread'] as const;
export type PostRelation = (typeof POST_RELATIONS)[number];

export const DISTRIBUTION_KINDS = ['broadcast', 'to', 'cc', 'bcc', 'list', 'channel'] as const;
export type DistributionKind = (typeof DISTRIBUTION_KINDS)[number];

export const PERSONA_RELS = ['owns', 'participates', 'suspected'] as const;
export type PersonaRel = (typeof PERSONA_RELS)[number];

/** ISO-8601 timestamp string (UTC). Observations carry strings so they survive JSON. */
export type Instant = string;

/** An account was seen, with the names it used at that moment. */
export interface AccountSeen {
  type: 'account';
  externalId: string;
  names?: NameSeen[];
  /** Free-form profile fields from the source (bio, location, urls, avatar ...). Merged shallowly. */
  profile?: Record<string, unknown>;
  seenAt?: Instant;
  provenance: Provenance;
}

/** A recipient of a post: an account, or a list/channel known by its external id. */
export interface DistributionSeen {
  rel: DistributionKind;
  /** Account external id (for to/cc/bcc) or list/channel external id (for list/channel). */
  target?: string;
}

/** A post was seen. A post known only by reference (a reply parent) becomes a stub. */
export interface PostSeen {
  type: 'post';
  externalId: string;
  /** External id of the posting account. Omitted: a stub known only by reference. */
  poster?: string;
  text?: string;
  when?: Instant;
  url?: string;
  /** External ids of referenced posts, keyed by relation (reply-to, quotes, ...). */
  refs?: { rel: PostRelation; post: string }[];
  distribution?: DistributionSeen[];
  links?: string[];
  raw?: unknown;
  seenAt?: Instant;
  provenance: Provenance;
}

/** A directed edge between accounts: `from` follows/blocks/mutes/ignores `to`. */
export interface RelationshipSeen {
  type: 'relationship';
  from: string;
  to: string;
  kind: RelationshipKind;
  when?: Instant;
  provenance: Provenance;
}

/** An account interacted with a post (liked, shared, bookmarked ...). */
export interface InteractionSeen {
  type: 'interaction';
  account: string;
  post: string;
  kind: InteractionKind;
  when?: Instant;
  provenance: Provenance;
}

/** The post was deleted or is unavailable at the source: blank its content, keep the row. */
export interface TombstoneSeen {
  type: 'tombstone';
  post: string;
  when?: Instant;
  provenance: Provenance;
}

/** A reason to think two accounts belong to the same person. Stored, never merged silently. */
export interface EvidenceSeen {
  type: 'evidence';
  a: string;
  b: string;
  /** e.g. `keybase-proof`, `rel-me`, `profile-link`, `shared-email`. */
  kind: string;
  /** A URL or text that shows the link, kept so the user can check it. */
  proof?: string;
  /** 0..1: how sure the source is. */
  confidence: number;
  provenance: Provenance;
}

/**
 * Accounts that the source itself says are one person (an address-book card, a BBDB record,
 * the owner of an archive). The store puts them in one persona (merging, logged and undoable)
 * and, with `self`, links that persona to the user's own human.
 */
export interface IdentitySeen {
  type: 'identity';
  accounts: string[];
  self?: boolean;
  provenance: Provenance;
}

/** A named list of accounts on a service (X lists, mailing lists, IRC channels). */
export interface ListSeen {
  type: 'list';
  externalId: string;
  name?: string;
  owner?: string;
  members?: string[];
  provenance: Provenance;
}

/** A note about the person behind an account, from the user's own files (BBDB, vCard NOTE). */
export interface NoteSeen {
  type: 'note';
  account: string;
  text: string;
  /** Stable key so re-importing replaces rather than duplicates the note. */
  key: string;
  provenance: Provenance;
}

export type Observation =
  | AccountSeen
  | PostSeen
  | RelationshipSeen
  | InteractionSeen
  | TombstoneSeen
  | EvidenceSeen
  | IdentitySeen
  | ListSeen
  | NoteSeen;

export type ObservationType = Observation['type'];

export const OBSERVATION_TYPES: readonly ObservationType[] = [
  'account',
  'post',
  'relationship',
  'interaction',
  'tombstone',
  'evidence',
  'identity',
  'list',
  'note',
];

/** What one `apply(batch)` changed. Counts of rows created, so a re-apply reports zeros. */
export interface ApplyResult {
  accounts: number;
  names: number;
  posts: number;
  stubs: number;
  edges: number;
  interactions: number;
  tombstones: number;
  evidence: number;
  merges: number;
  notes: number;
}

export function emptyApplyResult(): ApplyResult {
  return {
    accounts: 0,
    names: 0,
    posts: 0,
    stubs: 0,
    edges: 0,
    interactions: 0,
    tombstones: 0,
    evidence: 0,
    merges: 0,
    notes: 0,
  };
}

export function addApplyResults(into: ApplyResult, more: ApplyResult): ApplyResult {
  for (const k of Object.keys(into) as (keyof ApplyResult)[]) into[k] += more[k];
  return into;
}
