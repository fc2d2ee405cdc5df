// Posts, their refs, distribution, links, interactions and tombstones, applied in bulk.
//
// The batch's post-related observations are first replayed in order against the posts' current
// state (exists? stub? tombstoned?) to decide, per post, one final insert or update plus the
// edges to record. That keeps the order-dependent rules exact (a stub filled later records its
// refs; a tombstone blanks content and removes edges recorded before it, and nothing comes back
// after it) while each table still gets a single statement.

import type pg from 'pg';
import type { ApplyResult, InteractionSeen, PostSeen, TombstoneSeen } from '../../model/observations.js';
import { serviceOf } from '../../model/external-id.js';
import type { AccountMap, ApplyContext } from './apply.js';
import { sortedBy } from './apply.js';
import { byCodeUnit, isoOrNull, msOf, pgJson, pgText } from './sql-values.js';

type PostObs = PostSeen | TombstoneSeen | InteractionSeen;

/** Content a full post carries. `undefined` text/raw in an edit mean "not given: keep". */
interface Content {
  poster: number;
  text: string | null | undefined;
  when: number | null;
  url: string | null;
  raw: string | null | undefined;
}

interface Edges {
  refs: Map<string, { rel: string; post: string }>;
  dist: Map<string, { rel: string; target: string }>;
  links: Set<string>;
}

interface PostState {
  eid: string;
  id: number | undefined;
  /** Has the post a poster (now, including what this batch did)? */
  full: boolean;
  tombstone: boolean;
  /** Tombstoned by this batch (it was not before). */
  tombstoned: boolean;
  /** Filled by this batch (it was a stub or unknown before). */
  fill: Content | undefined;
  /** Edits to an existing full post. */
  edit: { text?: string | null; raw?: string | null } | undefined;
  firstSeen: number;
  source: string | null;
  edges: Edges;
}

interface PostRow {
  id: string;
  external_id: string;
  full: boolean;
  tombstone: boolean;
}

function newState(eid: string, seen: number): PostState {
  return {
    eid,
    id: undefined,
    full: false,
    tombstone: false,
    tombstoned: false,
    fill: undefined,
    edit: undefined,
    firstSeen: seen,
    source: null,
    edges: { refs: new Map(), dist: new Map(), links: new Set() },
  };
}

function postRefs(batch: readonly PostObs[]): string[] {
  const s = new Set<string>();
  for (const o of batch) {
    if (o.type === 'post') {
      s.add(o.externalId);
      for (const r of o.refs ?? []) s.add(r.post);
    } else s.add(o.post);
  }
  return [...s].sort(byCodeUnit);
}

/** Replay one post observation against the post's state. */
function replayPost(o: PostSeen, st: PostState, accounts: AccountMap, now: number): void {
  const seen = msOf(o.seenAt, now, `post ${o.externalId} seenAt`);
  st.firstSeen = Math.min(st.firstSeen, seen);
  st.source ??= o.provenance?.source ?? null;
  // A post without poster is only a reference (a stub); a tombstoned one never gets content back.
  if (!o.poster || st.tombstone) return;
  const text = o.text === undefined ? undefined : pgText(o.text);
  const raw = o.raw === undefined ? undefined : pgJson(o.raw);
  if (!st.full) {
    st.full = true;
    st.fill = {
      poster: accounts.get(o.poster)!.id,
      text: text ?? null,
      when: o.when === undefined ? null : msOf(o.when, now, `post ${o.externalId} when`),
      url: pgText(o.url ?? null),
      raw: raw ?? null,
    };
  } else if (st.fill) {
    if (text !== undefined) st.fill.text = text;
    if (raw !== undefined) st.fill.raw = raw;
  } else {
    st.edit ??= {};
    if (text !== undefined) st.edit.text = text;
    if (raw !== undefined) st.edit.raw = raw;
  }
  for (const r of o.refs ?? []) st.edges.refs.set(`${r.rel}\u0000${r.post}`, r);
  for (const d of o.distribution ?? []) {
    const target = d.rel === 'broadcast' ? '' : (d.target ?? '');
    st.edges.dist.set(`${d.rel}\u0000${target}`, { rel: d.rel, target });
  }
  for (const l of o.links ?? []) st.edges.links.add(pgText(l));
}

function replayTombstone(st: PostState): void {
  if (!st.tombstone) st.tombstoned = true;
  st.tombstone = true;
  if (st.fill) {
    st.fill.text = null;
    st.fill.raw = null;
  }
  st.edit = undefined;
  // Relationships from the post and its distribution go; its links are kept (docs/observations.md).
  st.edges.refs.clear();
  st.edges.dist.clear();
}

/** Merge a row another host inserted concurrently into a state built for a new post. */
function adoptRow(st: PostState, row: PostRow): void {
  st.id = Number(row.id);
  if (row.tombstone) {
    st.tombstoned = false;
    st.tombstone = true;
    st.fill = undefined;
    st.edit = undefined;
    st.edges.refs.clear();
    st.edges.dist.clear();
    st.edges.links.clear();
    return;
  }
  if (row.full && st.fill) {
    // Already full: what would have filled it is now an edit of text/raw.
    st.edit = { text: st.fill.text ?? undefined, raw: st.fill.raw ?? undefined };
    st.fill = undefined;
  }
}

export async function applyPosts(
  ctx: ApplyContext,
  batch: readonly PostObs[],
  accounts: AccountMap,
  lists: Map<string, number>,
  result: ApplyResult,
): Promise<void> {
  if (!batch.length) return;
  const { client, now } = ctx;
  const eids = postRefs(batch);
  const states = new Map<string, PostState>();
  const existing = await loadPosts(client, eids);
  const existed = new Set<string>();
  for (const eid of eids) {
    const st = newState(eid, now);
    const row = existing.get(eid);
    if (row) {
      existed.add(eid);
      st.id = Number(row.id);
      st.full = row.full;
      st.tombstone = row.tombstone;
    }
    states.set(eid, st);
  }

  const interactions = new Map<string, { account: number; post: string; kind: string; at: number }>();
  for (const o of batch) {
    if (o.type === 'post') replayPost(o, states.get(o.externalId)!, accounts, now);
    else if (o.type === 'tombstone') replayTombstone(states.get(o.post)!);
    else {
      const account = accounts.get(o.account)!.id;
      const at = msOf(o.when, now, `interaction ${o.account} ${o.kind} ${o.post}: when`);
      const key = `${account}\u0000${o.post}\u0000${o.kind}`;
      const prev = interactions.get(key);
      if (!prev || at < prev.at) interactions.set(key, { account, post: o.post, kind: o.kind, at });
    }
  }

  // 1. New posts, each inserted once in its final state.
  const fresh = eids.filter((e) => !existed.has(e)).map((e) => states.get(e)!);
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
        fresh.map((s) => s.fill?.poster ?? null),
        fresh.map((s) => isoOrNull(s.fill?.when)),
        fresh.map((s) => s.fill?.text ?? null),
        fresh.map((s) => s.fill?.url ?? null),
        fresh.map((s) => s.tombstone),
        fresh.map((s) => s.fill?.raw ?? null),
        fresh.map((s) => pgText(s.source)),
        fresh.map((s) => isoOrNull(s.firstSeen)),
      ],
    );
    const inserted = new Set<string>();
    for (const row of r.rows) {
      const st = states.get(row.external_id)!;
      st.id = Number(row.id);
      inserted.add(row.external_id);
      if (st.fill) result.posts++;
      else result.stubs++;
      if (st.tombstoned) result.tombstones++;
      st.fill = undefined; // written
      st.tombstoned = false;
    }
    // Inserted by another host between our read and our insert: treat them as existing rows.
    const raced = fresh.filter((s) => !inserted.has(s.eid));
    if (raced.length) {
      const rows = await loadPosts(client, raced.map((s) => s.eid));
      for (const st of raced) {
        adoptRow(st, rows.get(st.eid)!);
        existed.add(st.eid);
      }
    }
  }

  const olds = eids.filter((e) => existed.has(e)).map((e) => states.get(e)!);

  // 2. Stubs filled in.
  const fills = sortedBy(olds.filter((s) => s.fill), (s) => [s.id!]);
  if (fills.length) {
    const r = await client.query(
      `update posts p set poster = u.poster, posted_at = u.posted_at, text = u.text, url = u.url, raw = u.raw::jsonb,
         source = coalesce(p.source, u.source)
       from unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[]) as u(id, poster, posted_at, text, url, raw, source)
       where p.id = u.id and p.poster is null and not p.tombstone
       returning p.id`,
      [
        fills.map((s) => s.id),
        fills.map((s) => s.fill!.poster),
        fills.map((s) => isoOrNull(s.fill!.when)),
        fills.map((s) => s.fill!.text ?? null),
        fills.map((s) => s.fill!.url),
        fills.map((s) => s.fill!.raw ?? null),
        fills.map((s) => pgText(s.source)),
      ],
    );
    result.posts += r.rowCount ?? 0;
  }

  // 3. Edits of full posts: text/raw only, and only when they changed.
  const edits = sortedBy(olds.filter((s) => s.edit && (s.edit.text !== undefined || s.edit.raw !== undefined)), (s) => [s.id!]);
  if (edits.length) {
    await client.query(
      `update posts p set
         text = case when u.has_text then u.text else p.text end,
         raw = case when u.has_raw then u.raw::jsonb else p.raw end
       from unnest($1::bigint[], $2::boolean[], $3::text[], $4::boolean[], $5::text[]) as u(id, has_text, text, has_raw, raw)
       where p.id = u.id and not p.tombstone and p.poster is not null
         and ((u.has_text and p.text is distinct from u.text) or (u.has_raw and p.raw is distinct from u.raw::jsonb))`,
      [
        edits.map((s) => s.id),
        edits.map((s) => s.edit!.text !== undefined),
        edits.map((s) => s.edit!.text ?? null),
        edits.map((s) => s.edit!.raw !== undefined),
        edits.map((s) => s.edit!.raw ?? null),
      ],
    );
  }

  // 4. Seen times widen.
  const seenRows = sortedBy([...olds], (s) => [s.id!]);
  if (seenRows.length) {
    await client.query(
      `update posts p set first_seen = u.fs from unnest($1::bigint[], $2::timestamptz[]) as u(id, fs)
       where p.id = u.id and (p.first_seen is null or p.first_seen > u.fs)`,
      [seenRows.map((s) => s.id), seenRows.map((s) => isoOrNull(s.firstSeen))],
    );
  }

  // 5. Tombstones: blank content, drop edges from the post and its distribution; keep the row.
  const dead = olds.filter((s) => s.tombstoned).map((s) => s.id!).sort((a, b) => a - b);
  if (dead.length) {
    const r = await client.query('update posts set tombstone = true, text = null, raw = null where id = any($1::bigint[]) and not tombstone returning id', [dead]);
    result.tombstones += r.rowCount ?? 0;
    await client.query('delete from post_relationships where from_post = any($1::bigint[])', [dead]);
    await client.query('delete from post_distribution where post = any($1::bigint[])', [dead]);
  }

  // 6. Edges of posts that are not tombstoned.
  const live = [...states.values()].filter((s) => !s.tombstone);
  const refs = sortedBy(
    live.flatMap((s) => [...s.edges.refs.values()].map((r) => ({ from: s.id!, to: states.get(r.post)!.id!, rel: r.rel }))),
    (r) => [r.from, r.to, r.rel],
  );
  if (refs.length) {
    const r = await client.query(
      `insert into post_relationships (from_post, to_post, rel)
       select u.f, u.t, u.rel from unnest($1::bigint[], $2::bigint[], $3::text[]) with ordinality as u(f, t, rel, ord)
       order by u.ord on conflict do nothing returning id`,
      [refs.map((r) => r.from), refs.map((r) => r.to), refs.map((r) => r.rel)],
    );
    result.edges += r.rowCount ?? 0;
  }
  const dist = sortedBy(
    live.flatMap((s) =>
      [...s.edges.dist.values()].map((d) => ({
        post: s.id!,
        rel: d.rel,
        target: d.target,
        recipient: d.rel === 'to' || d.rel === 'cc' || d.rel === 'bcc' ? accounts.get(d.target)!.id : null,
        list: d.rel === 'list' || d.rel === 'channel' ? lists.get(d.target)! : null,
      })),
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
    live.flatMap((s) => [...s.edges.links].map((url) => ({ post: s.id!, url }))),
    (l) => [l.post, l.url],
  );
  if (links.length) {
    await client.query(
      `insert into links (post, url) select u.post, u.url from unnest($1::bigint[], $2::text[]) with ordinality as u(post, url, ord)
       order by u.ord on conflict do nothing`,
      [links.map((l) => l.post), links.map((l) => l.url)],
    );
  }

  // 7. Interactions: one row per (account, post, kind), keeping the earliest time.
  const inter = sortedBy(
    [...interactions.values()].map((i) => ({ ...i, postId: states.get(i.post)!.id! })),
    (i) => [i.account, i.postId, i.kind],
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
      [inter.map((i) => i.account), inter.map((i) => i.postId), inter.map((i) => i.kind), inter.map((i) => isoOrNull(i.at))],
    );
    for (const row of r.rows) if (row.inserted) result.interactions++;
  }
}

async function loadPosts(client: pg.PoolClient, eids: string[]): Promise<Map<string, PostRow>> {
  const r = await client.query<PostRow>(
    'select id, external_id, poster is not null as full, tombstone from posts where external_id = any($1::text[])',
    [eids],
  );
  return new Map(r.rows.map((row) => [row.external_id, row]));
}
