// apply: observations applied per second by the real SqliteWriter (in-process, so the comparison
// is of the SQL work, not of the thread hop), with names and posts FTS written in the same
// transactions, against a baseline of plain prepared INSERTs of the same rows into the same
// schema (no FTS, no idempotency lookups) in one transaction. Target: ratio >= 0.5 at scale 1
// (100k accounts with handle and display names, 1M posts of tweet length in batches of 2000).
//
// Data is synthetic and seeded: every run, and both sides of a run, see the same observations.
// Generation time is excluded from both measurements. Both sides are timed by wall clock and by
// this process's CPU time; the RESULT uses CPU time, because on the shared 2-core build machines
// other processes' load swings wall-clock figures by 2x within one run (both are printed).
import { join } from 'node:path';
import { fmt, runBench } from './lib.js';
import { BATCH, observations, type Sizes } from './apply-data.js';
import { fold } from '../main/model/fold.js';
import { openSqlite } from '../main/store/sqlite/open.js';
import { SqliteWriter } from '../main/store/sqlite/writer.js';
import { validateBatch } from '../main/model/validate.js';

/** The writer's way: validated batches through SqliteWriter, one transaction per batch. */
interface Timing {
  ms: number;
  cpuMs: number;
  count: number;
}

/** Wall and CPU milliseconds of fn, added to the running totals. */
function timed<T>(into: Timing, fn: () => T): T {
  const c = process.cpuUsage();
  const t = performance.now();
  const v = fn();
  into.ms += performance.now() - t;
  const d = process.cpuUsage(c);
  into.cpuMs += (d.user + d.system) / 1000;
  return v;
}

function runWriter(path: string, sizes: Sizes): Timing & { validateMs: number } {
  const db = openSqlite(path);
  const writer = new SqliteWriter(db);
  const timing = { ms: 0, cpuMs: 0, count: 0 };
  const validation = { ms: 0, cpuMs: 0, count: 0 };
  for (const b of observations(sizes)) {
    const valid = timed(validation, () => validateBatch(b));
    timed(timing, () => writer.applyValidated(valid));
    timing.count += b.length;
  }
  db.close();
  return { ...timing, validateMs: validation.cpuMs };
}

/** The baseline: the same rows by plain prepared INSERTs, ids known up front, one transaction. */
function runBaseline(path: string, sizes: Sizes): Timing {
  const db = openSqlite(path);
  const s = {
    persona: db.prepare('insert into personas (id, created_at) values (?, ?)'),
    account: db.prepare('insert into accounts (id, external_id, service, persona, source, first_seen, last_seen) values (?, ?, ?, ?, ?, ?, ?)'),
    name: db.prepare('insert into names (account, name, kind, fold, first_seen, last_seen) values (?, ?, ?, ?, ?, ?)'),
    post: db.prepare('insert into posts (id, external_id, service, poster, posted_at, text, url, raw, source, first_seen) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
    ref: db.prepare('insert into post_relationships (from_post, to_post, rel) values (?, ?, ?)'),
    dist: db.prepare('insert into post_distribution (post, rel, target, recipient, list) values (?, ?, ?, ?, ?)'),
    link: db.prepare('insert into links (post, url) values (?, ?)'),
  };
  const idOf = (ext: string) => Number(ext.slice(ext.indexOf(':') + 1)) + 1;
  const timing = { ms: 0, cpuMs: 0, count: 0 };
  const now = Date.now();
  db.exec('begin');
  for (const b of observations(sizes)) {
    timed(timing, () => {
    for (const o of b) {
      if (o.type === 'account') {
        const id = idOf(o.externalId);
        const persona = crypto.randomUUID();
        const seen = Date.parse(o.seenAt!);
        s.persona.run(persona, now);
        s.account.run(id, o.externalId, 'twitter', persona, 'bench', seen, seen);
        for (const n of o.names!) s.name.run(id, n.name, n.kind, fold(n.name), seen, seen);
      } else if (o.type === 'post') {
        const id = idOf(o.externalId);
        s.post.run(id, o.externalId, 'twitter', idOf(o.poster!), Date.parse(o.when!), o.text, o.url, null, 'bench', now);
        for (const ref of o.refs ?? []) s.ref.run(id, idOf(ref.post), ref.rel);
        for (const d of o.distribution ?? []) s.dist.run(id, d.rel, d.target ?? '', d.target ? idOf(d.target) : null, null);
        for (const l of o.links ?? []) s.link.run(id, l);
      }
    }
    });
    timing.count += b.length;
  }
  timed(timing, () => db.exec('commit'));
  db.close();
  return timing;
}

await runBench('apply', async ({ scale, dir, log }) => {
  const sizes = { accounts: Math.max(1000, Math.round(100_000 * scale)), posts: Math.max(2000, Math.round(1_000_000 * scale)) };
  log(`${sizes.accounts} accounts, ${sizes.posts} posts, batches of ${BATCH}`);
  const base = runBaseline(join(dir, 'baseline.db'), sizes);
  log(`baseline: ${base.count} observations in ${fmt(base.ms)} ms wall, ${fmt(base.cpuMs)} ms CPU`);
  const w = runWriter(join(dir, 'writer.db'), sizes);
  log(`writer: ${w.count} observations in ${fmt(w.ms)} ms wall, ${fmt(w.cpuMs)} ms CPU (+ ${fmt(w.validateMs)} ms CPU validating, on the caller's thread in the app)`);
  const perSecond = (n: number, ms: number) => n / (ms / 1000);
  return {
    value: perSecond(w.count, w.cpuMs),
    baseline: perSecond(base.count, base.cpuMs),
    unit: 'observations/s (CPU time)',
    extra: {
      accounts: sizes.accounts,
      posts: sizes.posts,
      'writer, wall clock (obs/s)': perSecond(w.count, w.ms),
      'baseline, wall clock (obs/s)': perSecond(base.count, base.ms),
      'ratio, wall clock': w.ms > 0 ? base.ms / w.ms : NaN,
      'writer incl. validation, CPU (obs/s)': perSecond(w.count, w.cpuMs + w.validateMs),
    },
  };
});
