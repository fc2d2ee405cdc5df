import { beforeEach, describe, expect, it } from 'vitest';
import type Database from 'better-sqlite3';
import { openSqlite } from '../../store/sqlite/open.js';
import { backoffDelay } from '../backoff.js';
import { ackJob, claimJobs, cycleJobs, extendLeases, failJob, jobCounts, pushJob, reclaimExpired, releaseJob, releaseJobs, requeueDeadJobs } from './jobs-sql.js';

let db: Database.Database;
const Q = '/queue/t';
const push = (payload: unknown, now = 1000, dedupKey?: string) => pushJob(db, { queue: Q, payload: JSON.stringify(payload), dedupKey, maxAttempts: 2, availableAt: now, now });
const claim = (now: number, owner = 'a', limit = 10) => claimJobs(db, { queue: Q, owner, leaseMs: 100, limit, now });

beforeEach(() => {
  db = openSqlite(':memory:');
});

describe('jobs SQL', () => {
  it('fences a consumer whose lease expired: its ack, fail and renewal do nothing', () => {
    push({ a: 1 });
    const [first] = claim(1000, 'a');
    expect(first!.attempts).toBe(1);
    expect(reclaimExpired(db, { queue: Q, now: 1200 })).toEqual({ requeued: 1, dead: 0 });
    const [second] = claim(1200, 'b');
    expect(second!.id).toBe(first!.id);
    expect(second!.token).not.toBe(first!.token);
    expect(second!.attempts).toBe(2);
    expect(ackJob(db, first!)).toBe(false);
    expect(failJob(db, { ...first!, error: 'x', permanent: false, retryAt: 0, now: 1201 })).toBe('lost');
    expect(extendLeases(db, { leases: [first!], leaseUntil: 5000, now: 1201 })).toEqual([first!.id]);
    expect(jobCounts(db, { queue: Q, now: 1201 }).inflight).toBe(1);
    expect(ackJob(db, second!)).toBe(true);
    expect(jobCounts(db, { queue: Q, now: 1201 })).toEqual({ ready: 0, delayed: 0, inflight: 0, dead: 0 });
  });

  it('never hands one item to two claimers, and a live lease is not reclaimed', () => {
    for (let i = 0; i < 5; i++) push(i);
    const a = claim(1000, 'a', 3);
    const b = claim(1000, 'b', 3);
    expect(a).toHaveLength(3);
    expect(b).toHaveLength(2);
    expect(new Set([...a, ...b].map((j) => j.id)).size).toBe(5);
    expect(reclaimExpired(db, { queue: Q, now: 1050 })).toEqual({ requeued: 0, dead: 0 });
  });

  it('dead-letters after max deliveries, whether by failure or by lease expiry', () => {
    push('fails');
    let [j] = claim(1000);
    expect(failJob(db, { ...j!, error: 'E1', permanent: false, retryAt: 1010, now: 1000 })).toBe('retry');
    expect(claim(1005)).toHaveLength(0); // backoff not over
    [j] = claim(1010);
    expect(failJob(db, { ...j!, error: 'E2', permanent: false, retryAt: 0, now: 1010 })).toBe('dead');

    push('dies');
    claim(2000);
    reclaimExpired(db, { queue: Q, now: 2100 });
    claim(2100);
    expect(reclaimExpired(db, { queue: Q, now: 2300 })).toEqual({ requeued: 0, dead: 1 });
    const dead = db.prepare("select payload, last_error as e from jobs where state = 'dead' order by id").all() as { payload: string; e: string }[];
    expect(dead.map((d) => d.payload)).toEqual(['"fails"', '"dies"']);
    expect(dead[0]!.e).toBe('E2');
    expect(dead[1]!.e).toMatch(/lease expired 2 times/);
    expect(requeueDeadJobs(db, { queue: Q, now: 3000 })).toBe(2);
    expect(claim(3000).map((c) => c.attempts)).toEqual([1, 1]);
  });

  it('a released item comes back at once without using up an attempt', () => {
    push('x');
    const [j] = claim(1000);
    expect(releaseJob(db, { ...j!, now: 1001 })).toBe(true);
    expect(claim(1001)[0]!.attempts).toBe(1);
  });

  it('gives every item of a claim a fencing token of its own', () => {
    push('a');
    push('b');
    const [a, b] = claim(1000);
    expect(a!.token).not.toBe(b!.token);
    // One item's token does not open another's lease.
    expect(ackJob(db, { id: b!.id, token: a!.token })).toBe(false);
    expect(ackJob(db, b!)).toBe(true);
  });

  it('a cycle acknowledges, reclaims and claims in one transaction, fenced like ack', () => {
    for (let i = 0; i < 4; i++) push(i);
    const first = claim(1000, 'a', 3);
    const stale = claim(1000, 'x', 1); // its holder dies: lease lapses at 1100
    const r = cycleJobs(db, {
      acks: [first[0]!, first[1]!, { id: first[2]!.id, token: 'not-mine' }],
      reclaim: { queue: Q, now: 1200 },
      claim: { queue: Q, owner: 'a', leaseMs: 100, limit: 5, now: 1200 },
    });
    expect(r.acked).toBe(2);
    expect(r.reclaimed).toEqual({ requeued: 2, dead: 0 }); // first[2] (lapsed too) and stale[0]
    expect(r.jobs.map((j) => j.id).sort()).toEqual([first[2]!.id, stale[0]!.id].sort());
    expect(r.jobs.every((j) => j.attempts === 2)).toBe(true);
    expect(ackJob(db, stale[0]!)).toBe(false);
    expect(cycleJobs(db, { acks: r.jobs, claim: { queue: Q, owner: 'a', leaseMs: 100, limit: 0, now: 1201 } })).toEqual({ acked: 2, jobs: [], reclaimed: null });
    expect(jobCounts(db, { queue: Q, now: 1201 })).toEqual({ ready: 0, delayed: 0, inflight: 0, dead: 0 });
  });

  it('returns several unstarted items at once, only those still held', () => {
    for (let i = 0; i < 3; i++) push(i);
    const [a, b, c] = claim(1000, 'a', 3);
    expect(releaseJobs(db, { leases: [a!, b!, { id: c!.id, token: 'old' }], now: 1001 })).toBe(2);
    expect(jobCounts(db, { queue: Q, now: 1001 })).toEqual({ ready: 2, delayed: 0, inflight: 1, dead: 0 });
    expect(claim(1001).map((j) => j.attempts)).toEqual([1, 1]);
  });

  it('dedups by key within a queue only', () => {
    expect(push(1, 1000, 'k').duplicate).toBe(false);
    expect(push(2, 1000, 'k').duplicate).toBe(true);
    expect(pushJob(db, { queue: '/queue/other', payload: '1', dedupKey: 'k', maxAttempts: 1, availableAt: 0, now: 0 }).duplicate).toBe(false);
    expect(push(3).duplicate).toBe(false);
    expect(push(4).duplicate).toBe(false);
  });
});

describe('backoffDelay', () => {
  it('doubles per attempt, half fixed and half jitter, capped', () => {
    expect(backoffDelay(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 10_000, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 100, 10_000, () => 0)).toBe(200);
    expect(backoffDelay(30, 100, 10_000, () => 1)).toBe(10_000);
  });
});
