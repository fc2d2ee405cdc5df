// Posts, their refs, distribution, links, interactions and tombstones, applied in bulk.
//
// Posts are planned before anything is written: the existing rows the batch will change are read
// (and locked, in external-id order), then the batch's post observations are replayed in order
// against that state in memory, exactly as the SQLite writer applies them one by one (a stub
// filled later records its refs; a tombstone blanks content and removes edges, and nothing comes
// back after it). The plan says which accounts and lists the batch needs (a post seen after its
// tombstone creates no recipients), and then each table gets a single statement.
//
// Two hosts may both see a post as new. The one whose insert loses the race rolls back to a
// savepoint and plans again against the rows now committed (applyPostsPhase). Every writer
// takes locks in the same order (accounts, lists, then posts in key order), so the only
// deadlocks left are rare ones between re-plans, and the caller retries those whole.

import type pg from 'pg';
import type { ApplyResult, InteractionSeen, PostSeen, TombstoneSeen } from '../../model/observations.js';
import { serviceOf } from '../../model/external-id.js';
import type { AccountMap, ApplyContext } from './apply-types.js';
import { sortedBy } from './apply-types.js';
import { byCodeUnit, isoOrNull, msOf, pgJson, pgText } from './sql-values.js';

export type PostObs = PostSeen | TombstoneSeen | InteractionSeen;

/** Another host inserted a post we were inserting: re-run the whole transaction (SQLSTATE-like). */
export class PostRaceError extends Error {
  readonly code = '40001';
  constructor(n: number) {
    super(`${n} post(s) were created concurrently by another writer; retrying the batch`);
  }
}

interface PostState {
  eid: string;
  id: number | undefined;
  /** Not in the database when the batch started: inserted in its final state. */
  isNew: boolean;
  /** Touched by the batch at all (a reference or interaction makes an unknown post a stub). */
  exists: boolean;
  hasPoster: boolean;
  /** The poster this batch sets (external id), when it sets one. */
  poster: string | undefined;
  when: number | null;
  url: string | null;
  whenSet: boolean;
  urlSet: boolean;
  /** New text / raw JSON text; undefined = left as it is. */
  text: string | null | undefined;
  raw: string | null | undefined;
  tombstone: boolean;
  tombstonedNow: boolean;
  firstSeen: number;
  source: string | null;
  refs: Map<string, { rel: string; post: string }>;
  dist: Map<string, { rel: string; target: string }>;
  links: Set<string>;
}

export interface PostPlan {
  states: Map<string, PostState>;
  interactions: Map<string, { account: string; post: string; kind: string; at: number }>;
  /** Accounts the recorded rows point at (all created beforehand; checked before writing). */
  accounts: Set<string>;
  /** Lists and channels of the distribution actually recorded. */
  lists: Set<string>;
  /** Refs recorded and then removed again by a tombstone in the same batch (still counted as edges). */
  clearedRefs: { from: string; to: string; rel: string }[];
  result: Pick<ApplyResult, 'posts' | 'stubs' | 'tombstones'>;
}

interface LoadedRow {
  id: string;
  external_id: string;
  has_poster: boolean;
  posted_at: Date | null;
  url: string | null;
  tombstone: boolean;
}

function blank(eid: string, now: number): PostState {
  return {
    eid,
    id: undefined,
    isNew: true,
    exists: false,
    hasPoster: false,
    poster: undefined,
    when: null,
    url: null,
    whenSet: false,
    urlSet: false,
    text: undefined,
    raw: undefined,
    tombstone: false,
    tombstonedNow: false,
    firstSeen: now,
    source: null,
    refs: new Map(),
    dist: new Map(),
    links: new Set(),
  };
}

/** Read the posts the batch names; lock, in key order, those it may change. */
async function loadPosts(client: pg.PoolClient, batch: readonly PostObs[]): Promise<Map<string, LoadedRow>> {
  const changed = new Set<string>();
  const referenced = new Set<string>();
  for (const o of batch) {
    if (o.type === 'post') {
      changed.add(o.externalId);
      for (const r of o.refs ?? []) referenced.add(r.post);
    } else if (o.type === 'tombstone') changed.add(o.post);
    else referenced.add(o.post);
  }
  for (const e of changed) referenced.delete(e);
  const rows = new Map<string, LoadedRow>();
  const cols = 'id, external_id, poster is not null as has_poster, posted_at, url, tombstone';
  if (changed.size) {
    const r = await client.query<LoadedRow>(
      `select ${cols} from posts where external_id = any($1::text[]) order by external_id collate "C" for no key update`,
      [[...changed].sort(byCodeUnit)],
    );
    for (const row of r.rows) rows.set(row.external_id, row);
  }
  if (referenced.size) {
    const r = await client.query<LoadedRow>(`select ${cols} from posts where external_id = any($1::text[])`, [[...referenced]]);
    for (const row of r.rows) rows.set(row.external_id, row);
  }
  return rows;
}

export async function planPosts(ctx: ApplyContext, batch: readonly PostObs[]): Promise<PostPlan> {
  const { now } = ctx;
  const plan: PostPlan = { states: new Map(), interactions: new Map(), accounts: new Set(), lists: new Set(), clearedRefs: [], result: { posts: 0, stubs: 0, tombstones: 0 } };
  if (!batch.length) return plan;
  const loaded = await loadPosts(ctx.client, batch);
  const { states, result } = plan;

  const state = (eid: string): PostState => {
    let st = states.get(eid);
    if (!st) {
      st = blank(eid, now);
      const row = loaded.get(eid);
      if (row) {
        st.id = Number(row.id);
        st.isNew = false;
        st.exists = true;
        st.hasPoster = row.has_poster;
        st.when = row.posted_at ? row.posted_at.getTime() : null;
        st.url = row.url;
        st.tombstone = row.tombstone;
      }
      states.set(eid, st);
    }
    return st;
  };
  /** A post known only by reference becomes a stub. */
  const touch = (eid: string): PostState => {
    const st = state(eid);
    if (!st.exists) {
      st.exists = true;
      result.stubs++;
    }
    return st;
  };

  const recordEdges = (st: PostState, o: PostSeen) => {
    for (const r of o.refs ?? []) {
      touch(r.post);
      st.refs.set(`${r.rel}\u0000${r.post}`, { rel: r.rel, post: r.post });
    }
    for (const d of o.distribution ?? []) {
      const target = d.rel === 'broadcast' || d.target === undefined ? '' : d.target;
      st.dist.set(`${d.rel}\u0000${target}`, { rel: d.rel, target });
      if (target && (d.rel === 'list' || d.rel === 'channel')) plan.lists.add(target);
      else if (target) plan.accounts.add(target);
    }
    for (const l of o.links ?? []) st.links.add(pgText(l));
  };

  for (const o of batch) {
    if (o.type === 'interaction') {
      touch(o.post);
      const at = msOf(o.when, now, `interaction ${o.account} ${o.kind} ${o.post}: when`);
      const key = `${o.account}\u0000${o.post}\u0000${o.kind}`;
      const prev = plan.interactions.get(key);
      // One row per (account, post, kind); the earliest time is kept, whatever the order.
      if (!prev || at < prev.at) plan.interactions.set(key, { account: o.account, post: o.post, kind: o.kind, at });
      continue;
    }
    if (o.type === 'tombstone') {
      const st = touch(o.post);
      if (st.tombstone) continue;
      st.tombstone = true;
      st.tombstonedNow = true;
      st.text = null;
      st.raw = null;
      // Relationships from the post and its distribution go; its links stay (docs/observations.md).
      for (const r of st.refs.values()) plan.clearedRefs.push({ from: st.eid, to: r.post, rel: r.rel });
      st.refs.clear();
      st.dist.clear();
      result.tombstones++;
      continue;
    }
    // A post observation.
    const seen = msOf(o.seenAt, now, `post ${o.externalId} seenAt`);
    const when = o.when === undefined ? null : msOf(o.when, now, `post ${o.externalId} when`);
    const url = o.url === undefined ? null : pgText(o.url);
    const text = o.text === undefined ? undefined : pgText(o.text);
    const raw = o.raw === undefined ? undefined : pgJson(o.raw);
    if (o.poster) plan.accounts.add(o.poster);
    const st = state(o.externalId);
    st.firstSeen = Math.min(st.firstSeen, seen);
    st.source ??= o.provenance?.source ?? null;
    if (!st.exists) {
      // First sighting: the row as given (a stub when there is no poster).
      st.exists = true;
      st.hasPoster = o.poster !== undefined;
      st.poster = o.poster;
      st.when = when;
      st.url = url;
      st.text = text ?? null;
      st.raw = raw ?? null;
      if (o.poster) result.posts++;
      else result.stubs++;
      recordEdges(st, o);
      continue;
    }
    if (st.tombstone) {
      // A deleted post never gets its content back; learning who posted it is harmless.
      if (o.poster && !st.hasPoster) {
        st.hasPoster = true;
        st.poster = o.poster;
        if (when !== null) [st.when, st.whenSet] = [when, true];
        if (url !== null) [st.url, st.urlSet] = [url, true];
      }
      continue;
    }
    if (!st.hasPoster && o.poster) {
      // A stub filled in: it becomes a full post, refs and all.
      st.hasPoster = true;
      st.poster = o.poster;
      if (when !== null) [st.when, st.whenSet] = [when, true];
      if (url !== null) [st.url, st.urlSet] = [url, true];
      if (text !== undefined) st.text = text;
      if (raw !== undefined) st.raw = raw;
      result.posts++;
    } else {
      // Seen again: text and raw follow edits; when and url are only ever filled in.
      if (text !== undefined) st.text = text;
      if (raw !== undefined) st.raw = raw;
      if (when !== null && st.when === null) [st.when, st.whenSet] = [when, true];
      if (url !== null && st.url === null) [st.url, st.urlSet] = [url, true];
    }
    recordEdges(st, o);
  }
  return plan;
}

export async function writePosts(ctx: ApplyContext, plan: PostPlan, accounts: AccountMap, lists: Map<string, number>, result: ApplyResult): Promise<void> {
  const { client } = ctx;
  const { states } = plan;
  if (!states.size) return;
  // Counted into `result` only once every statement went through (a race rolls them back).
  const counts = { edges: 0, interactions: 0 };
  const posterId = (st: PostState) => (st.poster === undefined ? null : accounts.get(st.poster)!.id);

  // 1. New posts, each inserted once in its final state.
  const fresh = sortedBy(
    [...states.values()].filter((s) => s.isNew && s.exists),
    (s) => [s.eid],
  );
  if (fresh.length) {
    const r = await client.query<{ id: string; external_id: string }>(
      `insert into posts (external_id, service, poster, posted_at, text, url, tombstone, raw, source, first_seen)
       select u.eid, u.svc, u.poster, u.posted_at, u.text, u.url, u.tombstone, u.raw::jsonb, u.source, u.first_seen
       from unnest($1::text[], $2::text[], $3::bigint[], $4::timestamptz[], $5::text[], $6::text[], $7::boolean[], $8::text[], $9::text[], $10::timestamptz[])
         with ordinality as u(eid, svc, poster, posted_at, text, url, tombstone, raw, source, first_seen, ord)
       order by u.ord
       on conflict (external_id) do nothing
       returning id, external_id`,
      [
        fresh.map((s) => s.eid),
        fresh.map((s) => serviceOf(s.eid)),
        fresh.map(posterId),
        fresh.map((s) => isoOrNull(s.when)),
        fresh.map((s) => s.text ?? null),
        fresh.map((s) => s.url),
        fresh.map((s) => s.tombstone),
        fresh.map((s) => s.raw ?? null),
        fresh.map((s) => pgText(s.source)),
        fresh.map((s) => isoOrNull(s.firstSeen)),
      ],
    );
    if (r.rows.length !== fresh.length) throw new PostRaceError(fresh.length - r.rows.length);
    for (const row of r.rows) states.get(row.external_id)!.id = Number(row.id);
  }

  // 2. Existing posts the batch changed: one UPDATE, each column set only when the plan says so.
  const olds = sortedBy(
    [...states.values()].filter(
      (s) => !s.isNew && (s.poster !== undefined || s.whenSet || s.urlSet || s.text !== undefined || s.raw !== undefined || s.tombstonedNow || s.firstSeen < ctx.now),
    ),
    (s) => [s.id!],
  );
  if (olds.length) {
    await client.query(
      `update posts p set
         poster = coalesce(u.poster, p.poster),
         posted_at = case when u.set_when then u.posted_at else p.posted_at end,
         url = case when u.set_url then u.url else p.url end,
         text = case when u.set_text then u.text else p.text end,
         raw = case when u.set_raw then u.raw::jsonb else p.raw end,
         tombstone = p.tombstone or u.tomb,
         first_seen = least(p.first_seen, u.first_seen),
         source = coalesce(p.source, u.source)
       from unnest($1::bigint[], $2::bigint[], $3::boolean[], $4::timestamptz[], $5::boolean[], $6::text[], $7::boolean[], $8::text[], $9::boolean[], $10::text[], $11::boolean[], $12::timestamptz[], $13::text[])
         as u(id, poster, set_when, posted_at, set_url, url, set_text, text, set_raw, raw, tomb, first_seen, source)
       where p.id = u.id
         and (u.poster is not null or u.set_when or u.set_url or u.tomb
              or (u.set_text and p.text is distinct from u.text)
              or (u.set_raw and p.raw is distinct from u.raw::jsonb)
              or p.first_seen is null or p.first_seen > u.first_seen)`,
      [
        olds.map((s) => s.id),
        olds.map(posterId),
        olds.map((s) => s.whenSet),
        olds.map((s) => isoOrNull(s.when)),
        olds.map((s) => s.urlSet),
        olds.map((s) => s.url),
        olds.map((s) => s.text !== undefined),
        olds.map((s) => s.text ?? null),
        olds.map((s) => s.raw !== undefined),
        olds.map((s) => s.raw ?? null),
        olds.map((s) => s.tombstonedNow),
        olds.map((s) => isoOrNull(s.firstSeen)),
        olds.map((s) => pgText(s.source)),
      ],
    );
  }
  // The SQLite writer records refs as it meets them, so refs a later tombstone in the same batch
  // removed again were "created" too: count those that were not in the database already.
  if (plan.clearedRefs.length) {
    const old = plan.clearedRefs.filter((r) => !states.get(r.from)!.isNew);
    counts.edges += plan.clearedRefs.length - old.length;
    if (old.length) {
      const r = await client.query<{ n: number }>(
        `select count(*)::int as n from post_relationships p
         join unnest($1::bigint[], $2::bigint[], $3::text[]) as u(f, t, rel) on p.from_post = u.f and p.to_post = u.t and p.rel = u.rel`,
        [old.map((x) => states.get(x.from)!.id), old.map((x) => states.get(x.to)!.id), old.map((x) => x.rel)],
      );
      counts.edges += old.length - r.rows[0]!.n;
    }
  }
  const dead = olds.filter((s) => s.tombstonedNow).map((s) => s.id!);
  if (dead.length) {
    await client.query('delete from post_relationships where from_post = any($1::bigint[])', [dead]);
    await client.query('delete from post_distribution where post = any($1::bigint[])', [dead]);
  }

  // 3. Edges recorded by the plan (none for posts that ended tombstoned).
  const all = [...states.values()];
  const refs = sortedBy(
    all.flatMap((s) => [...s.refs.values()].map((r) => ({ from: s.id!, to: states.get(r.post)!.id!, rel: r.rel }))),
    (r) => [r.from, r.to, r.rel],
  );
  if (refs.length) {
    const r = await client.query(
      `insert into post_relationships (from_post, to_post, rel)
       select u.f, u.t, u.rel from unnest($1::bigint[], $2::bigint[], $3::text[]) with ordinality as u(f, t, rel, ord)
       order by u.ord on conflict do nothing returning id`,
      [refs.map((r) => r.from), refs.map((r) => r.to), refs.map((r) => r.rel)],
    );
    counts.edges += r.rowCount ?? 0;
  }
  const dist = sortedBy(
    all.flatMap((s) =>
      [...s.dist.values()].map((d) => {
        const isList = d.rel === 'list' || d.rel === 'channel';
        return {
          post: s.id!,
          rel: d.rel,
          target: d.target,
          recipient: d.target && !isList ? accounts.get(d.target)!.id : null,
          list: d.target && isList ? lists.get(d.target)! : null,
        };
      }),
    ),
    (d) => [d.post, d.rel, d.target],
  );
  if (dist.length) {
    await client.query(
      `insert into post_distribution (post, rel, target, recipient, list)
       select u.post, u.rel, u.target, u.recipient, u.list
       from unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) with ordinality as u(post, rel, target, recipient, list, ord)
       order by u.ord on conflict do nothing`,
      [dist.map((d) => d.post), dist.map((d) => d.rel), dist.map((d) => d.target), dist.map((d) => d.recipient), dist.map((d) => d.list)],
    );
  }
  const links = sortedBy(
    all.flatMap((s) => [...s.links].map((url) => ({ post: s.id!, url }))),
    (l) => [l.post, l.url],
  );
  if (links.length) {
    await client.query(
      `insert into links (post, url) select u.post, u.url from unnest($1::bigint[], $2::text[]) with ordinality as u(post, url, ord)
       order by u.ord on conflict do nothing`,
      [links.map((l) => l.post), links.map((l) => l.url)],
    );
  }

  // 4. Interactions: one row per (account, post, kind), keeping the earliest time.
  const inter = sortedBy(
    [...plan.interactions.values()].map((i) => ({ account: accounts.get(i.account)!.id, post: states.get(i.post)!.id!, kind: i.kind, at: i.at })),
    (i) => [i.account, i.post, i.kind],
  );
  if (inter.length) {
    const r = await client.query<{ inserted: boolean }>(
      `insert into post_interactions as i (account, post, kind, at)
       select u.account, u.post, u.kind, u.at
       from unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[]) with ordinality as u(account, post, kind, at, ord)
       order by u.ord
       on conflict (account, post, kind) do update set at = excluded.at
       where i.at is null or i.at > excluded.at
       returning (i.xmax = 0) as inserted`,
      [inter.map((i) => i.account), inter.map((i) => i.post), inter.map((i) => i.kind), inter.map((i) => isoOrNull(i.at))],
    );
    for (const row of r.rows) if (row.inserted) counts.interactions++;
  }
  result.posts += plan.result.posts;
  result.stubs += plan.result.stubs;
  result.tombstones += plan.result.tombstones;
  result.edges += counts.edges;
  result.interactions += counts.interactions;
}

/**
 * Plan and write the posts; when another host created some of our new posts first, roll back to
 * a savepoint and plan again (the rows are committed now). Accounts and lists were all created
 * before, so a re-plan never needs more of them.
 */
export async function applyPostsPhase(
  ctx: ApplyContext,
  batch: readonly PostObs[],
  accounts: AccountMap,
  lists: Map<string, number>,
  result: ApplyResult,
): Promise<{ accounts: Set<string>; lists: Set<string> }> {
  if (!batch.length) return { accounts: new Set(), lists: new Set() };
  for (let attempt = 0; ; attempt++) {
    await ctx.client.query('savepoint skrode_posts');
    try {
      const plan = await planPosts(ctx, batch);
      for (const a of plan.accounts) if (!accounts.has(a)) throw new Error(`internal: account ${a} was not created before its post`);
      for (const l of plan.lists) if (!lists.has(l)) throw new Error(`internal: list ${l} was not created before its post`);
      await writePosts(ctx, plan, accounts, lists, result);
      await ctx.client.query('release savepoint skrode_posts');
      return { accounts: plan.accounts, lists: plan.lists };
    } catch (err) {
      // After too many lost races the whole transaction is retried (PostRaceError is 40001).
      if (!(err instanceof PostRaceError) || attempt >= 8) throw err;
      ctx.onRace?.();
      await ctx.client.query('rollback to savepoint skrode_posts');
    }
  }
}
