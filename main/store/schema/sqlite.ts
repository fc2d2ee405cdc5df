// The data model for SQLite (see ../../../../shared design ARCHITECTURE §4 and docs/data-model.md).
// Kept in step with ./postgres.ts by schema-parity.test.ts: same tables, same columns, same
// nullability, same unique keys.
//
// Keys: humans and personas have UUID ids (users refer to them: `skrode persona merge A B`).
// Accounts, names and posts have integer surrogate keys (they are referred to by external_id,
// and FTS5 needs integer rowids) and a UNIQUE external_id. Times are integer milliseconds since
// the epoch here and timestamptz in Postgres. JSON is text here and jsonb in Postgres.

import { sql } from 'drizzle-orm';
import { check, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const ms = (name: string) => integer(name);

export const services = sqliteTable('services', {
  id: text('id').primaryKey(),
  prettyName: text('pretty_name').notNull(),
  kind: text('kind').notNull(),
  more: text('more'),
});

export const serviceUrls = sqliteTable('service_urls', {
  id: integer('id').primaryKey(),
  service: text('service').notNull().references(() => services.id),
  url: text('url').notNull().unique(),
});

export const humans = sqliteTable(
  'humans',
  {
    id: text('id').primaryKey(),
    isSelf: integer('is_self', { mode: 'boolean' }).notNull().default(false),
    createdAt: ms('created_at').notNull(),
    more: text('more'),
  },
  (t) => [index('humans_is_self').on(t.isSelf)],
);

export const personas = sqliteTable('personas', {
  id: text('id').primaryKey(),
  createdAt: ms('created_at').notNull(),
  more: text('more'),
});

export const personaControl = sqliteTable(
  'persona_control',
  {
    human: text('human').notNull().references(() => humans.id, { onDelete: 'cascade' }),
    persona: text('persona').notNull().references(() => personas.id, { onDelete: 'cascade' }),
    rel: text('rel').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.human, t.persona] }),
    index('persona_control_persona').on(t.persona),
    check('persona_control_rel', sql`${t.rel} in ('owns', 'participates', 'suspected')`),
  ],
);

export const accounts = sqliteTable(
  'accounts',
  {
    id: integer('id').primaryKey(),
    externalId: text('external_id').notNull().unique(),
    service: text('service').notNull().references(() => services.id),
    persona: text('persona').notNull().references(() => personas.id),
    profile: text('profile'),
    source: text('source'),
    firstSeen: ms('first_seen'),
    lastSeen: ms('last_seen'),
  },
  (t) => [index('accounts_persona').on(t.persona), index('accounts_service').on(t.service)],
);

export const names = sqliteTable(
  'names',
  {
    id: integer('id').primaryKey(),
    account: integer('account').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    fold: text('fold').notNull(),
    firstSeen: ms('first_seen'),
    lastSeen: ms('last_seen'),
  },
  (t) => [
    uniqueIndex('names_account_name_kind').on(t.account, t.name, t.kind),
    // (fold, last_seen) and (last_seen, fold): lookups filter on fold and rank by recency, and walk
    // recent names filtering on fold, both from the index alone (main/lookup/README.md).
    index('names_fold_last_seen').on(t.fold, t.lastSeen),
    index('names_last_seen_fold').on(t.lastSeen, t.fold),
    check('names_kind', sql`${t.kind} in ('handle', 'display', 'email', 'alias', 'phone', 'nick')`),
  ],
);

export const accountRelationships = sqliteTable(
  'account_relationships',
  {
    id: integer('id').primaryKey(),
    fromAccount: integer('from_account').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    toAccount: integer('to_account').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    firstSeen: ms('first_seen'),
    lastSeen: ms('last_seen'),
  },
  (t) => [
    uniqueIndex('account_relationships_edge').on(t.fromAccount, t.toAccount, t.kind),
    index('account_relationships_to').on(t.toAccount),
    check('account_relationships_kind', sql`${t.kind} in ('follows', 'blocks', 'mutes', 'ignores')`),
  ],
);

export const lists = sqliteTable('lists', {
  id: integer('id').primaryKey(),
  externalId: text('external_id').notNull().unique(),
  service: text('service').notNull().references(() => services.id),
  owner: integer('owner').references(() => accounts.id, { onDelete: 'set null' }),
  name: text('name'),
  more: text('more'),
});

export const listMembership = sqliteTable(
  'list_membership',
  {
    list: integer('list').notNull().references(() => lists.id, { onDelete: 'cascade' }),
    account: integer('account').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    firstSeen: ms('first_seen'),
  },
  (t) => [primaryKey({ columns: [t.list, t.account] }), index('list_membership_account').on(t.account)],
);

export const posts = sqliteTable(
  'posts',
  {
    id: integer('id').primaryKey(),
    externalId: text('external_id').notNull().unique(),
    service: text('service').notNull().references(() => services.id),
    poster: integer('poster').references(() => accounts.id, { onDelete: 'cascade' }),
    postedAt: ms('posted_at'),
    text: text('text'),
    url: text('url'),
    tombstone: integer('tombstone', { mode: 'boolean' }).notNull().default(false),
    raw: text('raw'),
    source: text('source'),
    firstSeen: ms('first_seen'),
  },
  (t) => [index('posts_poster_posted_at').on(t.poster, t.postedAt), index('posts_posted_at').on(t.postedAt)],
);

export const postRelationships = sqliteTable(
  'post_relationships',
  {
    id: integer('id').primaryKey(),
    fromPost: integer('from_post').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    toPost: integer('to_post').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    rel: text('rel').notNull(),
  },
  (t) => [
    uniqueIndex('post_relationships_edge').on(t.fromPost, t.toPost, t.rel),
    index('post_relationships_to').on(t.toPost),
    check('post_relationships_rel', sql`${t.rel} in ('reply-to', 'quotes', 'shares', 'thread')`),
  ],
);

export const postDistribution = sqliteTable(
  'post_distribution',
  {
    id: integer('id').primaryKey(),
    post: integer('post').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    rel: text('rel').notNull(),
    /** The recipient's or list's external id, or '' for broadcast: part of the unique key. */
    target: text('target').notNull(),
    recipient: integer('recipient').references(() => accounts.id, { onDelete: 'cascade' }),
    list: integer('list').references(() => lists.id, { onDelete: 'cascade' }),
  },
  (t) => [
    uniqueIndex('post_distribution_key').on(t.post, t.rel, t.target),
    index('post_distribution_recipient').on(t.recipient),
    check('post_distribution_rel', sql`${t.rel} in ('broadcast', 'to', 'cc', 'bcc', 'list', 'channel')`),
  ],
);

export const postInteractions = sqliteTable(
  'post_interactions',
  {
    id: integer('id').primaryKey(),
    account: integer('account').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    post: integer('post').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    at: ms('at'),
  },
  (t) => [
    uniqueIndex('post_interactions_key').on(t.account, t.post, t.kind),
    index('post_interactions_post').on(t.post),
    check('post_interactions_kind', sql`${t.kind} in ('like', 'dislike', 'share', 'bookmark', 'hide')`),
  ],
);

export const links = sqliteTable(
  'links',
  {
    id: integer('id').primaryKey(),
    post: integer('post').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
  },
  (t) => [uniqueIndex('links_post_url').on(t.post, t.url), index('links_url').on(t.url)],
);

export const evidence = sqliteTable(
  'evidence',
  {
    id: integer('id').primaryKey(),
    accountA: integer('account_a').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    accountB: integer('account_b').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    proof: text('proof').notNull(),
    confidence: real('confidence').notNull(),
    source: text('source'),
    firstSeen: ms('first_seen'),
  },
  (t) => [
    uniqueIndex('evidence_key').on(t.accountA, t.accountB, t.kind, t.proof),
    index('evidence_b').on(t.accountB),
  ],
);

export const antiLinks = sqliteTable(
  'anti_links',
  {
    personaA: text('persona_a').notNull(),
    personaB: text('persona_b').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.personaA, t.personaB] })],
);

export const mergeLog = sqliteTable(
  'merge_log',
  {
    id: text('id').primaryKey(),
    op: text('op').notNull(),
    winner: text('winner').notNull(),
    loser: text('loser').notNull(),
    reason: text('reason'),
    /** What the merge moved, so split can put it back: account ids, persona_control rows, notes. */
    detail: text('detail').notNull(),
    at: ms('at').notNull(),
    undoneAt: ms('undone_at'),
  },
  (t) => [index('merge_log_winner').on(t.winner), check('merge_log_op', sql`${t.op} in ('merge', 'identity')`)],
);

export const sources = sqliteTable('sources', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  config: text('config'),
  createdAt: ms('created_at').notNull(),
});

export const ingestCursors = sqliteTable(
  'ingest_cursors',
  {
    source: text('source').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.key] })],
);

export const notes = sqliteTable(
  'notes',
  {
    id: integer('id').primaryKey(),
    human: text('human').references(() => humans.id, { onDelete: 'cascade' }),
    persona: text('persona').references(() => personas.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    /** Set for notes that came from an import (BBDB, vCard), so re-import replaces them. */
    sourceKey: text('source_key').unique(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    index('notes_human').on(t.human),
    index('notes_persona').on(t.persona),
    check('notes_target', sql`${t.human} is not null or ${t.persona} is not null`),
  ],
);

/** The single-user job queue (main/queue/sqlite): claimed with a lease by the writer. */
export const jobs = sqliteTable(
  'jobs',
  {
    id: integer('id').primaryKey(),
    queue: text('queue').notNull(),
    payload: text('payload').notNull(),
    /** Optional producer-chosen key: a push with a key already queued is not duplicated. */
    dedupKey: text('dedup_key'),
    state: text('state').notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    availableAt: ms('available_at').notNull(),
    leaseUntil: ms('lease_until'),
    leaseToken: text('lease_token'),
    owner: text('owner'),
    lastError: text('last_error'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    index('jobs_claim').on(t.queue, t.state, t.availableAt),
    uniqueIndex('jobs_dedup').on(t.queue, t.dedupKey),
    check('jobs_state', sql`${t.state} in ('ready', 'leased', 'dead')`),
  ],
);

/** Heartbeats of topology workers, for `skrode topology status` and the app. */
export const workerStatus = sqliteTable(
  'worker_status',
  {
    host: text('host').notNull(),
    worker: text('worker').notNull(),
    replica: integer('replica').notNull(),
    state: text('state').notNull(),
    restarts: integer('restarts').notNull().default(0),
    done: integer('done').notNull().default(0),
    failed: integer('failed').notNull().default(0),
    lastError: text('last_error'),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.host, t.worker, t.replica] })],
);

/**
 * Addresses a mail import saw under a `suggest` header (shared/suggestions.ts): the user accepts
 * one (it becomes an account) or dismisses it (never suggested again).
 */
export const suggestions = sqliteTable(
  'suggestions',
  {
    address: text('address').primaryKey(),
    /** JSON array of the display names seen, oldest first. */
    names: text('names').notNull(),
    /** Messages seen in (rows of suggestion_sightings). */
    count: integer('count').notNull().default(0),
    firstSeen: ms('first_seen'),
    lastSeen: ms('last_seen'),
    source: text('source').notNull(),
    state: text('state').notNull().default('pending'),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('suggestions_state_count').on(t.state, t.count), check('suggestions_state', sql`${t.state} in ('pending', 'accepted', 'dismissed')`)],
);

/** One row per (address, message), so re-importing a mailbox counts nothing twice. */
export const suggestionSightings = sqliteTable(
  'suggestion_sightings',
  {
    address: text('address')
      .notNull()
      .references(() => suggestions.address, { onDelete: 'cascade' }),
    message: text('message').notNull(),
  },
  (t) => [primaryKey({ columns: [t.address, t.message] })],
);
