// The single-user job queue's SQL: synchronous functions over the `jobs` table of the Skrode
// SQLite file. They are meant to run on the writer connection (registered as writer methods), and
// are also safe on any other write connection: every state change that depends on a read runs in
// one BEGIN IMMEDIATE transaction, so two claimers can never take the same row.
//
// A claim sets a lease (lease_until) and a fresh fencing token (lease_token). ack/fail/extend/release
// only act on a row still leased under the caller's token, so a consumer whose lease expired (and
// whose item went to someone else) cannot acknowledge or fail the new holder's delivery.
// attempts counts deliveries (incremented at claim), so an item whose consumers keep dying is
// dead-lettered too, instead of looping forever as the original's poison items did.

import type Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';

type Db = Database.Database;

export interface PushJobArgs {
  queue: string;
  payload: string;
  dedupKey?: string | null;
  maxAttempts: number;
  availableAt: number;
  now: number;
}

export interface ClaimArgs {
  queue: string;
  owner: string;
  leaseMs: number;
  limit: number;
  now: number;
}

export interface ClaimedJob {
  id: number;
  payload: string;
  attempts: number;
  maxAttempts: number;
  token: string;
}

export interface LeaseRef {
  id: number;
  token: string;
}

export interface FailJobArgs extends LeaseRef {
  error: string;
  /** The consumer's limit (the queue's configured attempts), which wins over the one stored at push. */
  maxAttempts?: number;
  permanent: boolean;
  /** When a retry becomes deliverable (ignored when the item goes dead). */
  retryAt: number;
  now: number;
}

export interface JobCounts {
  ready: number;
  delayed: number;
  inflight: number;
  dead: number;
}

export interface DeadRow {
  id: number;
  payload: string;
  attempts: number;
  lastError: string | null;
}

const stmtCache = new WeakMap<Db, Map<string, Database.Statement>>();

/** Prepared statements are cached per connection: preparing costs more than running these. */
function stmt(db: Db, sql: string): Database.Statement {
  let m = stmtCache.get(db);
  if (!m) stmtCache.set(db, (m = new Map()));
  let s = m.get(sql);
  if (!s) m.set(sql, (s = db.prepare(sql)));
  return s;
}

function immediate<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}

/** Add one item; with a dedup key already present in the queue, return the existing id instead. */
export function pushJob(db: Db, a: PushJobArgs): { id: number; duplicate: boolean } {
  return immediate(db, () => pushOne(db, a));
}

function pushOne(db: Db, a: PushJobArgs): { id: number; duplicate: boolean } {
  const row = stmt(
    db,
    `insert into jobs (queue, payload, dedup_key, state, attempts, max_attempts, available_at, created_at, updated_at)
     values (?, ?, ?, 'ready', 0, ?, ?, ?, ?) on conflict (queue, dedup_key) do nothing returning id`,
  ).get(a.queue, a.payload, a.dedupKey ?? null, a.maxAttempts, a.availableAt, a.now, a.now) as { id: number } | undefined;
  if (row) return { id: row.id, duplicate: false };
  const existing = stmt(db, 'select id from jobs where queue = ? and dedup_key = ?').get(a.queue, a.dedupKey ?? null) as { id: number } | undefined;
  if (!existing) throw new Error(`push to ${a.queue} was neither inserted nor found (dedup key ${a.dedupKey})`);
  return { id: existing.id, duplicate: true };
}

/** Add many items in one transaction (all or none). */
export function pushJobs(db: Db, items: readonly PushJobArgs[]): { id: number; duplicate: boolean }[] {
  return immediate(db, () => items.map((a) => pushOne(db, a)));
}

/**
 * Lease up to `limit` deliverable items (oldest first) to `owner`. Returns them with the attempt
 * number of this delivery and a fencing token of their own (the claim's random token and the
 * item's id), so each delivery of each item is told apart from every other.
 */
export function claimJobs(db: Db, a: ClaimArgs): ClaimedJob[] {
  return immediate(db, () => claimIn(db, a));
}

function claimIn(db: Db, a: ClaimArgs): ClaimedJob[] {
  const token = randomBytes(12).toString('hex');
  const rows = stmt(
    db,
    `update jobs set state = 'leased', attempts = attempts + 1, lease_until = ?, lease_token = ? || '.' || id, owner = ?, updated_at = ?
     where id in (select id from jobs where queue = ? and state = 'ready' and available_at <= ? order by available_at, id limit ?)
     returning id, payload, attempts, max_attempts as maxAttempts, lease_token as token`,
  ).all(a.now + a.leaseMs, token, a.owner, a.now, a.queue, a.now, a.limit) as ClaimedJob[];
  rows.sort((x, y) => x.id - y.id);
  return rows;
}

export interface CycleArgs {
  /** Leases whose items were handled: removed (when still held under that token). */
  acks: readonly LeaseRef[];
  /** Then lease more items, when given (limit 0: none). */
  claim?: ClaimArgs | null;
  /** Then hand back expired leases of that queue first, when given. */
  reclaim?: { queue: string; now: number; maxAttempts?: number } | null;
}

/**
 * A consumer's one round trip: acknowledge what it finished, recover expired leases, and claim
 * what it has room for, in one transaction (one commit, one hop to the writer thread).
 */
export function cycleJobs(db: Db, a: CycleArgs): { acked: number; jobs: ClaimedJob[]; reclaimed: { requeued: number; dead: number } | null } {
  return immediate(db, () => {
    let acked = 0;
    for (const l of a.acks) if (ackJob(db, l)) acked++;
    const reclaimed = a.reclaim ? reclaimIn(db, a.reclaim) : null;
    const jobs = a.claim && a.claim.limit > 0 ? claimIn(db, a.claim) : [];
    return { acked, jobs, reclaimed };
  });
}

/**
 * Hand back items whose lease expired (their consumer died or hung): to ready, or to dead when
 * they have had all their deliveries. Returns how many were recovered and dead-lettered.
 */
export function reclaimExpired(db: Db, a: { queue: string; now: number; maxAttempts?: number }): { requeued: number; dead: number } {
  return immediate(db, () => reclaimIn(db, a));
}

function reclaimIn(db: Db, a: { queue: string; now: number; maxAttempts?: number }): { requeued: number; dead: number } {
  const dead = stmt(
    db,
    `update jobs set state = 'dead', lease_until = null, lease_token = null, owner = null, updated_at = ?,
       last_error = 'lease expired ' || attempts || ' times (the consumer died or hung)' || coalesce('; before that: ' || last_error, '')
     where queue = ? and state = 'leased' and lease_until <= ? and attempts >= coalesce(?, max_attempts)`,
  ).run(a.now, a.queue, a.now, a.maxAttempts ?? null).changes;
  const requeued = stmt(
    db,
    `update jobs set state = 'ready', available_at = ?, lease_until = null, lease_token = null, owner = null, updated_at = ?
     where queue = ? and state = 'leased' and lease_until <= ?`,
  ).run(a.now, a.now, a.queue, a.now).changes;
  return { requeued, dead };
}

/** The item was handled: remove it. False when the lease was lost (someone else holds it now). */
export function ackJob(db: Db, a: LeaseRef): boolean {
  return stmt(db, `delete from jobs where id = ? and lease_token = ? and state = 'leased'`).run(a.id, a.token).changes === 1;
}

/** Acknowledge several leases in one transaction; returns how many were still held. */
export function ackJobs(db: Db, leases: readonly LeaseRef[]): number {
  return immediate(db, () => leases.reduce((n, l) => n + (ackJob(db, l) ? 1 : 0), 0));
}

/** The handler failed: retry later, or dead-letter. 'lost' when the lease is no longer ours. */
export function failJob(db: Db, a: FailJobArgs): 'retry' | 'dead' | 'lost' {
  return immediate(db, () => {
    const row = stmt(db, `select attempts, max_attempts as maxAttempts from jobs where id = ? and lease_token = ? and state = 'leased'`).get(a.id, a.token) as
      | { attempts: number; maxAttempts: number }
      | undefined;
    if (!row) return 'lost';
    if (a.permanent || row.attempts >= (a.maxAttempts ?? row.maxAttempts)) {
      stmt(db, `update jobs set state = 'dead', lease_until = null, lease_token = null, owner = null, last_error = ?, updated_at = ? where id = ?`).run(a.error, a.now, a.id);
      return 'dead';
    }
    stmt(db, `update jobs set state = 'ready', available_at = ?, lease_until = null, lease_token = null, owner = null, last_error = ?, updated_at = ? where id = ?`).run(
      a.retryAt,
      a.error,
      a.now,
      a.id,
    );
    return 'retry';
  });
}

/** Return an unfinished item (graceful stop): deliverable at once, this delivery not counted. */
export function releaseJob(db: Db, a: LeaseRef & { now: number }): boolean {
  return (
    stmt(
      db,
      `update jobs set state = 'ready', attempts = max(attempts - 1, 0), available_at = ?, lease_until = null, lease_token = null, owner = null, updated_at = ?
       where id = ? and lease_token = ? and state = 'leased'`,
    ).run(a.now, a.now, a.id, a.token).changes === 1
  );
}

/** Return several unfinished items at once (unstarted prefetched items on close); how many were still held. */
export function releaseJobs(db: Db, a: { leases: readonly LeaseRef[]; now: number }): number {
  return immediate(db, () => a.leases.reduce((n, l) => n + (releaseJob(db, { ...l, now: a.now }) ? 1 : 0), 0));
}

/** Renew leases still held; returns the ids whose lease was lost. */
export function extendLeases(db: Db, a: { leases: readonly LeaseRef[]; leaseUntil: number; now: number }): number[] {
  return immediate(db, () => {
    const lost: number[] = [];
    const s = stmt(db, `update jobs set lease_until = ?, updated_at = ? where id = ? and lease_token = ? and state = 'leased'`);
    for (const l of a.leases) if (s.run(a.leaseUntil, a.now, l.id, l.token).changes !== 1) lost.push(l.id);
    return lost;
  });
}

export function jobCounts(db: Db, a: { queue: string; now: number }): JobCounts {
  const rows = stmt(
    db,
    `select state, (state = 'ready' and available_at > ?) as later, count(*) as n from jobs where queue = ? group by state, later`,
  ).all(a.now, a.queue) as { state: string; later: number; n: number }[];
  const c: JobCounts = { ready: 0, delayed: 0, inflight: 0, dead: 0 };
  for (const r of rows) {
    if (r.state === 'ready') c[r.later ? 'delayed' : 'ready'] += r.n;
    else if (r.state === 'leased') c.inflight += r.n;
    else if (r.state === 'dead') c.dead += r.n;
  }
  return c;
}

export function listDeadJobs(db: Db, a: { queue: string; limit: number }): DeadRow[] {
  return stmt(db, `select id, payload, attempts, last_error as lastError from jobs where queue = ? and state = 'dead' order by updated_at, id limit ?`).all(a.queue, a.limit) as DeadRow[];
}

/** Dead items (all, or the given ids) back to ready with a fresh attempt count. */
export function requeueDeadJobs(db: Db, a: { queue: string; ids?: readonly number[] | null; now: number }): number {
  return immediate(db, () => {
    if (!a.ids) {
      return stmt(db, `update jobs set state = 'ready', attempts = 0, available_at = ?, updated_at = ? where queue = ? and state = 'dead'`).run(a.now, a.now, a.queue).changes;
    }
    const s = stmt(db, `update jobs set state = 'ready', attempts = 0, available_at = ?, updated_at = ? where queue = ? and state = 'dead' and id = ?`);
    return a.ids.reduce((n, id) => n + s.run(a.now, a.now, a.queue, id).changes, 0);
  });
}

/** Every queue that has items, for status screens. */
export function queueNames(db: Db): string[] {
  return (stmt(db, 'select distinct queue from jobs order by queue').all() as { queue: string }[]).map((r) => r.queue);
}

/**
 * The methods as one group, in the shape a writer thread registers: name -> (db, args) -> result.
 * Arguments and results are plain data, so they cross a thread boundary unchanged.
 */
export const jobsWriterMethods = {
  'jobs.push': pushJob,
  'jobs.pushMany': pushJobs,
  'jobs.claim': claimJobs,
  'jobs.reclaim': reclaimExpired,
  'jobs.ack': ackJob,
  'jobs.ackMany': ackJobs,
  'jobs.fail': failJob,
  'jobs.cycle': cycleJobs,
  'jobs.release': releaseJob,
  'jobs.releaseMany': releaseJobs,
  'jobs.extend': extendLeases,
  'jobs.counts': jobCounts,
  'jobs.listDead': listDeadJobs,
  'jobs.requeueDead': requeueDeadJobs,
  'jobs.queues': (db: Db) => queueNames(db),
} as const;

export type JobsWriterMethods = typeof jobsWriterMethods;
