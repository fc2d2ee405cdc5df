// The data model for PostgreSQL. Kept in step with ./sqlite.ts by schema-parity.test.ts.
// Differences by design: uuid and timestamptz and jsonb types; `search` tsvector generated
// columns with GIN indexes for names and posts; pg_trgm indexes on the folded names (created by
// the hand-written migrations under migrations/postgres).

import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  customType,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });
const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const id = () => bigserial('id', { mode: 'number' }).primaryKey();
const ref = (name: string) => bigint(name, { mode: 'number' });

export const services = pgTable('services', {
  id: text('id').primaryKey(),
  prettyName: text('pretty_name').notNull(),
  kind: text('kind').notNull(),
  more: jsonb('more'),
});

export const serviceUrls = pgTable('service_urls', {
  id: id(),
  service: text('service').notNull().references(() => services.id),
  url: text('url').notNull().unique(),
});

export const humans = pgTable(
  'humans',
  {
    id: uuid('id').primaryKey(),
    isSelf: boolean('is_self').notNull().default(false),
    createdAt: ts('created_at').notNull(),
    more: jsonb('more'),
  },
  (t) => [index('humans_is_self').on(t.isSelf)],
);

export const personas = pgTable('personas', {
  id: uuid('id').primaryKey(),
  createdAt: ts('created_at').notNull(),
  more: jsonb('more'),
});

export const personaControl = pgTable(
  'persona_control',
  {
    human: uuid('human').notNull().references(() => humans.id, { onDelete: 'cascade' }),
    persona: uuid('persona').notNull().references(() => personas.id, { onDelete: 'cascade' }),
    rel: text('rel').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.human, t.persona] }),
    index('persona_control_persona').on(t.persona),
    check('persona_control_rel', sql`${t.rel} in ('owns', 'participates', 'suspected')`),
  ],
);

export const accounts = pgTable(
  'accounts',
  {
    id: id(),
    externalId: text('external_id').notNull().unique(),
    service: text('service').notNull().references(() => services.id),
    persona: uuid('persona').notNull().references(() => personas.id),
    profile: jsonb('profile'),
    source: text('source'),
    firstSeen: ts('first_seen'),
    lastSeen: ts('last_seen'),
  },
  (t) => [index('accounts_persona').on(t.persona), index('accounts_service').on(t.service)],
);

export const names = pgTable(
  'names',
  {
    id: id(),
    account: ref('account').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    fold: text('fold').notNull(),
    firstSeen: ts('first_seen'),
    lastSeen: ts('last_seen'),
    search: tsvector('search').generatedAlwaysAs(sql`to_tsvector('simple', fold)`),
  },
  (t) => [
    uniqueIndex('names_account_name_kind').on(t.account, t.name, t.kind),
    index('names_fold_last_seen').on(sql`${t.fold} text_pattern_ops`, t.lastSeen),
    index('names_last_seen_fold').on(t.lastSeen, t.fold),
    index('names_search').using('gin', t.search),
    index('names_fold_trgm').using('gin', sql`${t.fold} gin_trgm_ops`),
    check('names_kind', sql`${t.kind} in ('handle', 'display', 'email', 'alias', 'phone', 'nick')`),
  ],
);

export const accountRelationships = pgTable(
  'account_relationships',
  {
    id: id(),
    fromAccount: ref('from_account').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    toAccount: ref('to_account').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    firstSeen: ts('first_seen'),
    lastSeen: ts('last_seen'),
  },
  (t) => [
    uniqueIndex('account_relationships_edge').on(t.fromAccount, t.toAccount, t.kind),
    index('account_relationships_to').on(t.toAccount),
    check('account_relationships_kind', sql`${t.kind} in ('follows', 'blocks', 'mutes', 'ignores')`),
  ],
);

export const lists = pgTable('lists', {
  id: id(),
  externalId: text('external_id').notNull().unique(),
  service: text('service').notNull().references(() => services.id),
  owner: ref('owner').references(() => accounts.id, { onDelete: 'set null' }),
  name: text('name'),
  more: jsonb('more'),
});

export const listMembership = pgTable(
  'list_membership',
  {
    list: ref('list').notNull().references(() => lists.id, { onDelete: 'cascade' }),
    account: ref('account').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    firstSeen: ts('first_seen'),
  },
  (t) => [primaryKey({ columns: [t.list, t.account] }), index('list_membership_account').on(t.account)],
);

export const posts = pgTable(
  'posts',
  {
    id: id(),
    externalId: text('external_id').notNull().unique(),
    service: text('service').notNull().references(() => services.id),
    poster: ref('poster').references(() => accounts.id, { onDelete: 'cascade' }),
    postedAt: ts('posted_at'),
    text: text('text'),
    url: text('url'),
    tombstone: boolean('tombstone').notNull().default(false),
    raw: jsonb('raw'),
    source: text('source'),
    firstSeen: ts('first_seen'),
    search: tsvector('search').generatedAlwaysAs(sql`to_tsvector('simple', coalesce(text, ''))`),
  },
  (t) => [
    index('posts_poster_posted_at').on(t.poster, t.postedAt),
    index('posts_posted_at').on(t.postedAt),
    index('posts_search').using('gin', t.search),
  ],
);

export const postRelationships = pgTable(
  'post_relationships',
  {
    id: id(),
    fromPost: ref('from_post').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    toPost: ref('to_post').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    rel: text('rel').notNull(),
  },
  (t) => [
    uniqueIndex('post_relationships_edge').on(t.fromPost, t.toPost, t.rel),
    index('post_relationships_to').on(t.toPost),
    check('post_relationships_rel', sql`${t.rel} in ('reply-to', 'quotes', 'shares', 'thread')`),
  ],
);

export const postDistribution = pgTable(
  'post_distribution',
  {
    id: id(),
    post: ref('post').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    rel: text('rel').notNull(),
    target: text('target').notNull(),
    recipient: ref('recipient').references(() => accounts.id, { onDelete: 'cascade' }),
    list: ref('list').references(() => lists.id, { onDelete: 'cascade' }),
  },
  (t) => [
    uniqueIndex('post_distribution_key').on(t.post, t.rel, t.target),
    index('post_distribution_recipient').on(t.recipient),
    check('post_distribution_rel', sql`${t.rel} in ('broadcast', 'to', 'cc', 'bcc', 'list', 'channel')`),
  ],
);

export const postInteractions = pgTable(
  'post_interactions',
  {
    id: id(),
    account: ref('account').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    post: ref('post').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    at: ts('at'),
  },
  (t) => [
    uniqueIndex('post_interactions_key').on(t.account, t.post, t.kind),
    index('post_interactions_post').on(t.post),
    check('post_interactions_kind', sql`${t.kind} in ('like', 'dislike', 'share', 'bookmark', 'hide')`),
  ],
);

export const links = pgTable(
  'links',
  {
    id: id(),
    post: ref('post').notNull().references(() => posts.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
  },
  (t) => [uniqueIndex('links_post_url').on(t.post, t.url), index('links_url').on(t.url)],
);

export const evidence = pgTable(
  'evidence',
  {
    id: id(),
    accountA: ref('account_a').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    accountB: ref('account_b').notNull().references(() => accounts.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    proof: text('proof').notNull(),
    confidence: real('confidence').notNull(),
    source: text('source'),
    firstSeen: ts('first_seen'),
  },
  (t) => [
    uniqueIndex('evidence_key').on(t.accountA, t.accountB, t.kind, t.proof),
    index('evidence_b').on(t.accountB),
  ],
);

export const antiLinks = pgTable(
  'anti_links',
  {
    personaA: uuid('persona_a').notNull(),
    personaB: uuid('persona_b').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.personaA, t.personaB] })],
);

export const mergeLog = pgTable(
  'merge_log',
  {
    id: uuid('id').primaryKey(),
    op: text('op').notNull(),
    winner: uuid('winner').notNull(),
    loser: uuid('loser').notNull(),
    reason: text('reason'),
    detail: jsonb('detail').notNull(),
    at: ts('at').notNull(),
    undoneAt: ts('undone_at'),
  },
  (t) => [index('merge_log_winner').on(t.winner), check('merge_log_op', sql`${t.op} in ('merge', 'identity')`)],
);

export const sources = pgTable('sources', {
  id: text('id').primaryKey(),
  kind: text('kind').notNull(),
  config: jsonb('config'),
  createdAt: ts('created_at').notNull(),
});

export const ingestCursors = pgTable(
  'ingest_cursors',
  {
    source: text('source').notNull(),
    key: text('key').notNull(),
    value: text('value').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.source, t.key] })],
);

export const notes = pgTable(
  'notes',
  {
    id: id(),
    human: uuid('human').references(() => humans.id, { onDelete: 'cascade' }),
    persona: uuid('persona').references(() => personas.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    sourceKey: text('source_key').unique(),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('notes_human').on(t.human),
    index('notes_persona').on(t.persona),
    check('notes_target', sql`${t.human} is not null or ${t.persona} is not null`),
  ],
);

export const jobs = pgTable(
  'jobs',
  {
    id: id(),
    queue: text('queue').notNull(),
    payload: jsonb('payload').notNull(),
    dedupKey: text('dedup_key'),
    state: text('state').notNull(),
    attempts: integer('attempts').notNull().default(0),
    maxAttempts: integer('max_attempts').notNull(),
    availableAt: ts('available_at').notNull(),
    leaseUntil: ts('lease_until'),
    leaseToken: text('lease_token'),
    owner: text('owner'),
    lastError: text('last_error'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    index('jobs_claim').on(t.queue, t.state, t.availableAt),
    uniqueIndex('jobs_dedup').on(t.queue, t.dedupKey),
    check('jobs_state', sql`${t.state} in ('ready', 'leased', 'dead')`),
  ],
);

export const workerStatus = pgTable(
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
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.host, t.worker, t.replica] })],
);

/** Addresses a mail import saw under a `suggest` header: see ./sqlite.ts. */
export const suggestions = pgTable(
  'suggestions',
  {
    address: text('address').primaryKey(),
    names: jsonb('names').notNull(),
    count: integer('count').notNull().default(0),
    firstSeen: ts('first_seen'),
    lastSeen: ts('last_seen'),
    source: text('source').notNull(),
    state: text('state').notNull().default('pending'),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('suggestions_state_count').on(t.state, t.count), check('suggestions_state', sql`${t.state} in ('pending', 'accepted', 'dismissed')`)],
);

export const suggestionSightings = pgTable(
  'suggestion_sightings',
  {
    address: text('address')
      .notNull()
      .references(() => suggestions.address, { onDelete: 'cascade' }),
    message: text('message').notNull(),
  },
  (t) => [primaryKey({ columns: [t.address, t.message] })],
);
