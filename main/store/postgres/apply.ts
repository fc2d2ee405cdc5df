// apply(batch) for PostgreSQL: the semantics of docs/observations.md, executed in bulk.
//
// The batch is first folded in memory (per account, per name, per post, per edge), so every
// table gets one multi-row statement built on unnest($1::text[], ...) rather than one round trip
// per row, and no statement touches the same row twice. External ids are resolved to row ids in
// bulk. The result is the same as the SQLite writer applying the observations one by one (the
// differential test in parity.test.ts checks it).
//
// Concurrency: every writer takes its locks in one order (the identity lock first when the batch
// merges or writes notes, then accounts, lists, posts, edges, notes and merges), and every
// upsert feeds its rows in sorted key order, so two hosts applying overlapping batches at once do
// not deadlock; the rare deadlock left is retried whole by the caller (tx.ts). Everything runs on
// one client inside the caller's transaction.

import { uuidV7 } from '../../util/uuid-v7.js';
import {
  emptyApplyResult,
  type AccountSeen,
  type ApplyResult,
  type IdentitySeen,
  type NoteSeen,
  type Observation,
} from '../../model/observations.js';
import { serviceOf } from '../../model/external-id.js';
import { fold } from '../../model/fold.js';
import { serviceInfo } from '../../model/services.js';
import { areNotSame, lockIdentity, mergeInto, selfHuman } from './identity.js';
import { byCodeUnit, isoOrNull, msOf, pgJson, pgText } from './sql-values.js';
import { applyPostsPhase, type PostObs } from './apply-posts.js';
import { sortedBy, type AccountMap, type ApplyContext } from './apply-types.js';

/** Services this apply created, for the caller to remember once the transaction commits. */
export interface ApplyOutcome {
  result: ApplyResult;
  newServices: string[];
}

/** What one account looks like after folding every observation of it in the batch. */
interface AccountFold {
  profile: Record<string, unknown> | undefined;
  first: number;
  last: number;
  source: string | null;
}

interface NameFold {
  eid: string;
  name: string;
  kind: string;
  first: number;
  last: number;
}

/**
 * Every account external id an observation other than a post mentions (created if unknown).
 * Posts' posters and recipients are collected by applyBatch.
 */
function accountRefs(o: Observation, out: Set<string>): void {
  switch (o.type) {
    case 'account':
      out.add(o.externalId);
      break;
    case 'post':
      break;
    case 'relationship':
      out.add(o.from);
      out.add(o.to);
      break;
    case 'interaction':
      out.add(o.account);
      break;
    case 'evidence':
      out.add(o.a);
      out.add(o.b);
      break;
    case 'identity':
      for (const a of o.accounts) out.add(a);
      break;
    case 'list':
      if (o.owner) out.add(o.owner);
      for (const m of o.members ?? []) out.add(m);
      break;
    case 'note':
      out.add(o.account);
      break;
    case 'tombstone':
      break;
  }
}

/** Services of every external id the batch will create rows for (accounts, posts, lists). */
function servicesOf(batch: readonly Observation[], accountIds: Iterable<string>): Set<string> {
  const s = new Set<string>();
  for (const a of accountIds) s.add(serviceOf(a));
  for (const o of batch) {
    if (o.type === 'post') {
      s.add(serviceOf(o.externalId));
      for (const r of o.refs ?? []) s.add(serviceOf(r.post));
      for (const d of o.distribution ?? []) if (d.target) s.add(serviceOf(d.target));
    } else if (o.type === 'interaction') s.add(serviceOf(o.post));
    else if (o.type === 'tombstone') s.add(serviceOf(o.post));
    else if (o.type === 'list') s.add(serviceOf(o.externalId));
  }
  return s;
}

/**
 * Row ids from a table's own sequence, ascending. Rows are written in key order (lock order),
 * but take their ids in the order the batch first mentions them, as the SQLite writer's do:
 * person() sorts ties by id, so both stores list accounts, names and notes alike.
 */
async function allocateIds(ctx: ApplyContext, table: 'accounts' | 'names' | 'notes', n: number): Promise<number[]> {
  if (n === 0) return [];
  const r = await ctx.client.query<{ id: string }>(`select nextval(pg_get_serial_sequence('${table}', 'id')) as id from generate_series(1, $1::int)`, [n]);
  return r.rows.map((x) => Number(x.id)).sort((a, b) => a - b);
}

/** Account external ids in the order the SQLite writer would create them, walking the batch. */
function mentionOrder(batch: readonly Observation[]): string[] {
  const seen = new Set<string>();
  const add = (e: string | undefined) => {
    if (e !== undefined) seen.add(e);
  };
  for (const o of batch) {
    switch (o.type) {
      case 'account':
        add(o.externalId);
        break;
      case 'post':
        add(o.poster);
        for (const d of o.distribution ?? []) if (d.target && d.rel !== 'broadcast' && d.rel !== 'list' && d.rel !== 'channel') add(d.target);
        break;
      case 'relationship':
        add(o.from);
        add(o.to);
        break;
      case 'interaction':
        add(o.account);
        break;
      case 'evidence':
        for (const e of byCodeUnit(o.a, o.b) <= 0 ? [o.a, o.b] : [o.b, o.a]) add(e);
        break;
      case 'identity':
        for (const e of o.accounts) add(e);
        break;
      case 'list':
        add(o.owner);
        for (const e of o.members ?? []) add(e);
        break;
      case 'note':
        add(o.account);
        break;
      case 'tombstone':
        break;
    }
  }
  return [...seen];
}

async function ensureServices(ctx: ApplyContext, services: Set<string>): Promise<string[]> {
  const missing = [...services].filter((s) => !ctx.knownServices.has(s)).sort(byCodeUnit);
  if (!missing.length) return [];
  // A service a newer source introduced: a neutral row, so the foreign keys hold.
  await ctx.client.query(
    `insert into services (id, pretty_name, kind)
     select u.s, u.pretty, u.kind from unnest($1::text[], $2::text[], $3::text[]) with ordinality as u(s, pretty, kind, ord) order by ord
     on conflict do nothing`,
    [missing, missing.map((m) => serviceInfo(m).pretty), missing.map((m) => serviceInfo(m).kind)],
  );
  return missing;
}

async function applyAccounts(ctx: ApplyContext, batch: readonly Observation[], needed: Set<string>, result: ApplyResult): Promise<AccountMap> {
  const { client, now } = ctx;
  const refs = new Set<string>(needed);
  for (const o of batch) accountRefs(o, refs);
  const folded = new Map<string, AccountFold>();
  const names = new Map<string, NameFold>();
  for (const o of batch) {
    if (o.type !== 'account') continue;
    const seen = msOf(o.seenAt, now, `account ${o.externalId} seenAt`);
    const f = folded.get(o.externalId);
    if (f) {
      if (o.profile) f.profile = { ...(f.profile ?? {}), ...o.profile };
      f.first = Math.min(f.first, seen);
      f.last = Math.max(f.last, seen);
    } else {
      folded.set(o.externalId, { profile: o.profile ? { ...o.profile } : undefined, first: seen, last: seen, source: o.provenance?.source ?? null });
    }
    addNames(o, seen, names);
  }

  const all = [...refs].sort(byCodeUnit);
  const map: AccountMap = new Map();
  if (!all.length) return map;
  const existing = await client.query<{ id: string; external_id: string; persona: string }>(
    'select id, external_id, persona from accounts where external_id = any($1::text[])',
    [all],
  );
  for (const r of existing.rows) map.set(r.external_id, { id: Number(r.id), persona: r.persona });

  // Unknown accounts each get a persona of their own. If another host creates the same account
  // between our read and our insert, the insert becomes an update and that persona is dropped.
  const fresh = new Map<string, string>();
  for (const eid of all) if (!map.has(eid)) fresh.set(eid, uuidV7());
  if (fresh.size) {
    await client.query('insert into personas (id, created_at) select unnest($1::uuid[]), $2', [[...fresh.values()].sort(), new Date(now)]);
  }

  const ids = await allocateIds(ctx, 'accounts', fresh.size);
  const idOf = new Map(mentionOrder(batch).filter((e) => fresh.has(e)).map((e, i) => [e, ids[i]!]));
  const upsert = all.filter((eid) => fresh.has(eid) || folded.has(eid));
  if (upsert.length) {
    const cols = { id: [] as number[], eid: [] as string[], svc: [] as string[], persona: [] as string[], profile: [] as (string | null)[], source: [] as (string | null)[], fs: [] as (string | null)[], ls: [] as (string | null)[] };
    for (const eid of upsert) {
      const f = folded.get(eid);
      cols.id.push(idOf.get(eid) ?? map.get(eid)!.id);
      cols.eid.push(eid);
      cols.svc.push(serviceOf(eid));
      cols.persona.push(fresh.get(eid) ?? map.get(eid)!.persona);
      cols.profile.push(f?.profile ? pgJson(f.profile) : null);
      cols.source.push(pgText(f?.source ?? null));
      cols.fs.push(isoOrNull(f?.first));
      cols.ls.push(isoOrNull(f?.last));
    }
    const r = await client.query<{ id: string; external_id: string; persona: string; inserted: boolean }>(
      `insert into accounts as a (id, external_id, service, persona, profile, source, first_seen, last_seen)
       select u.id, u.eid, u.svc, u.persona, u.profile::jsonb, u.source, u.fs, u.ls
       from unnest($8::bigint[], $1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[])
         with ordinality as u(id, eid, svc, persona, profile, source, fs, ls, ord)
       order by u.ord
       on conflict (external_id) do update set
         profile = case when excluded.profile is null then a.profile else coalesce(a.profile, '{}'::jsonb) || excluded.profile end,
         first_seen = least(a.first_seen, excluded.first_seen),
         last_seen = greatest(a.last_seen, excluded.last_seen)
       where (excluded.profile is not null and a.profile is distinct from coalesce(a.profile, '{}'::jsonb) || excluded.profile)
          or a.first_seen is distinct from least(a.first_seen, excluded.first_seen)
          or a.last_seen is distinct from greatest(a.last_seen, excluded.last_seen)
       returning a.id, a.external_id, a.persona, (a.xmax = 0) as inserted`,
      [cols.eid, cols.svc, cols.persona, cols.profile, cols.source, cols.fs, cols.ls, cols.id],
    );
    for (const row of r.rows) {
      map.set(row.external_id, { id: Number(row.id), persona: row.persona, created: row.inserted });
      if (row.inserted) result.accounts++;
    }
  }
  // Accounts another host created under us and that needed no update are not returned above.
  const unresolved = all.filter((eid) => !map.has(eid));
  if (unresolved.length) {
    const r = await client.query<{ id: string; external_id: string; persona: string }>(
      'select id, external_id, persona from accounts where external_id = any($1::text[])',
      [unresolved],
    );
    for (const row of r.rows) map.set(row.external_id, { id: Number(row.id), persona: row.persona });
  }
  const orphans = [...fresh].filter(([eid, p]) => map.get(eid)?.persona !== p).map(([, p]) => p);
  if (orphans.length) await client.query('delete from personas where id = any($1::uuid[])', [orphans.sort()]);

  await applyNames(ctx, names, map, result);
  return map;
}

function addNames(o: AccountSeen, seen: number, names: Map<string, NameFold>): void {
  const twitter = o.externalId.startsWith('twitter+');
  for (const n of o.names ?? []) {
    let name = pgText(n.name).trim();
    if (!name) continue;
    // Twitter handles keep their @ (the original's convention), whichever way the source wrote them.
    if (twitter && n.kind === 'handle' && !name.startsWith('@')) name = `@${name}`;
    const key = `${o.externalId}\u0000${n.kind}\u0000${name}`;
    const f = names.get(key);
    if (f) {
      f.first = Math.min(f.first, seen);
      f.last = Math.max(f.last, seen);
    } else names.set(key, { eid: o.externalId, name, kind: n.kind, first: seen, last: seen });
  }
}

async function applyNames(ctx: ApplyContext, names: Map<string, NameFold>, map: AccountMap, result: ApplyResult): Promise<void> {
  if (!names.size) return;
  // Map order is first sighting in the batch: ids follow it, rows go in key order.
  const ids = await allocateIds(ctx, 'names', names.size);
  const rows = sortedBy(
    [...names.values()].map((n, i) => ({ ...n, id: ids[i]!, account: map.get(n.eid)!.id })),
    (r) => [r.account, r.name, r.kind],
  );
  const r = await ctx.client.query<{ inserted: boolean }>(
    `insert into names as n (id, account, name, kind, fold, first_seen, last_seen)
     select u.id, u.account, u.name, u.kind, u.fold, u.fs, u.ls
     from unnest($7::bigint[], $1::bigint[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::timestamptz[])
       with ordinality as u(id, account, name, kind, fold, fs, ls, ord)
     order by u.ord
     on conflict (account, name, kind) do update set
       first_seen = least(n.first_seen, excluded.first_seen),
       last_seen = greatest(n.last_seen, excluded.last_seen)
     where n.first_seen is distinct from least(n.first_seen, excluded.first_seen)
        or n.last_seen is distinct from greatest(n.last_seen, excluded.last_seen)
     returning (n.xmax = 0) as inserted`,
    [
      rows.map((x) => x.account),
      rows.map((x) => x.name),
      rows.map((x) => x.kind),
      rows.map((x) => fold(x.name)),
      rows.map((x) => isoOrNull(x.first)),
      rows.map((x) => isoOrNull(x.last)),
      rows.map((x) => x.id),
    ],
  );
  for (const row of r.rows) if (row.inserted) result.names++;
}

/** List external ids → row ids: lists named by list observations or by list/channel distribution. */
async function applyLists(
  ctx: ApplyContext,
  batch: readonly Observation[],
  referenced: Set<string>,
  accounts: AccountMap,
  created: Set<string>,
): Promise<Map<string, number>> {
  const { client, now } = ctx;
  const folded = new Map<string, { name: string | null; owner: number | null; members: Set<number> }>();
  for (const o of batch) {
    if (o.type === 'list') {
      const f = folded.get(o.externalId) ?? { name: null, owner: null, members: new Set<number>() };
      if (o.name !== undefined) f.name = pgText(o.name);
      if (o.owner) f.owner = accounts.get(o.owner)!.id;
      for (const m of o.members ?? []) f.members.add(accounts.get(m)!.id);
      folded.set(o.externalId, f);
    }
  }
  const ids = new Map<string, number>();
  const all = [...new Set([...folded.keys(), ...referenced])].sort(byCodeUnit);
  if (!all.length) return ids;
  const existing = await client.query<{ id: string; external_id: string }>('select id, external_id from lists where external_id = any($1::text[])', [all]);
  for (const r of existing.rows) ids.set(r.external_id, Number(r.id));
  const upsert = all.filter((eid) => folded.has(eid) || !ids.has(eid));
  if (upsert.length) {
    const r = await client.query<{ id: string; external_id: string }>(
      `insert into lists as l (external_id, service, owner, name)
       select u.eid, u.svc, u.owner, u.name
       from unnest($1::text[], $2::text[], $3::bigint[], $4::text[]) with ordinality as u(eid, svc, owner, name, ord)
       order by u.ord
       on conflict (external_id) do update set name = coalesce(excluded.name, l.name), owner = coalesce(excluded.owner, l.owner)
       where l.name is distinct from coalesce(excluded.name, l.name) or l.owner is distinct from coalesce(excluded.owner, l.owner)
       returning l.id, l.external_id, (l.xmax = 0) as inserted`,
      [upsert, upsert.map(serviceOf), upsert.map((e) => folded.get(e)?.owner ?? null), upsert.map((e) => folded.get(e)?.name ?? null)],
    );
    for (const row of r.rows as { id: string; external_id: string; inserted: boolean }[]) {
      ids.set(row.external_id, Number(row.id));
      if (row.inserted) created.add(row.external_id);
    }
  }
  const unresolved = all.filter((eid) => !ids.has(eid));
  if (unresolved.length) {
    const r = await client.query<{ id: string; external_id: string }>('select id, external_id from lists where external_id = any($1::text[])', [unresolved]);
    for (const row of r.rows) ids.set(row.external_id, Number(row.id));
  }
  const members = sortedBy(
    [...folded].flatMap(([eid, f]) => [...f.members].map((account) => ({ list: ids.get(eid)!, account }))),
    (m) => [m.list, m.account],
  );
  if (members.length) {
    await client.query(
      `insert into list_membership (list, account, first_seen)
       select u.list, u.account, $3 from unnest($1::bigint[], $2::bigint[]) with ordinality as u(list, account, ord)
       order by u.ord on conflict do nothing`,
      [members.map((m) => m.list), members.map((m) => m.account), new Date(now)],
    );
  }
  return ids;
}

async function applyRelationships(ctx: ApplyContext, batch: readonly Observation[], accounts: AccountMap, result: ApplyResult): Promise<void> {
  const edges = new Map<string, { from: number; to: number; kind: string; first: number; last: number }>();
  for (const o of batch) {
    if (o.type !== 'relationship') continue;
    const when = msOf(o.when, ctx.now, `relationship ${o.from} ${o.kind} ${o.to}: when`);
    const from = accounts.get(o.from)!.id;
    const to = accounts.get(o.to)!.id;
    const key = `${from}:${to}:${o.kind}`;
    const e = edges.get(key);
    if (e) {
      e.first = Math.min(e.first, when);
      e.last = Math.max(e.last, when);
    } else edges.set(key, { from, to, kind: o.kind, first: when, last: when });
  }
  if (!edges.size) return;
  const rows = sortedBy([...edges.values()], (e) => [e.from, e.to, e.kind]);
  const r = await ctx.client.query<{ inserted: boolean }>(
    `insert into account_relationships as r (from_account, to_account, kind, first_seen, last_seen)
     select u.f, u.t, u.k, u.fs, u.ls
     from unnest($1::bigint[], $2::bigint[], $3::text[], $4::timestamptz[], $5::timestamptz[]) with ordinality as u(f, t, k, fs, ls, ord)
     order by u.ord
     on conflict (from_account, to_account, kind) do update set
       first_seen = least(r.first_seen, excluded.first_seen), last_seen = greatest(r.last_seen, excluded.last_seen)
     where r.first_seen is distinct from least(r.first_seen, excluded.first_seen)
        or r.last_seen is distinct from greatest(r.last_seen, excluded.last_seen)
     returning (r.xmax = 0) as inserted`,
    [rows.map((e) => e.from), rows.map((e) => e.to), rows.map((e) => e.kind), rows.map((e) => isoOrNull(e.first)), rows.map((e) => isoOrNull(e.last))],
  );
  for (const row of r.rows) if (row.inserted) result.edges++;
}

async function applyEvidence(ctx: ApplyContext, batch: readonly Observation[], accounts: AccountMap, result: ApplyResult): Promise<void> {
  const rows = new Map<string, { a: number; b: number; kind: string; proof: string; confidence: number; source: string | null }>();
  for (const o of batch) {
    if (o.type !== 'evidence') continue;
    // a and b in lexical order of their external ids, so (a, b) and (b, a) are one piece of evidence.
    const [ea, eb] = byCodeUnit(o.a, o.b) <= 0 ? [o.a, o.b] : [o.b, o.a];
    const proof = pgText(o.proof ?? '');
    const row = { a: accounts.get(ea)!.id, b: accounts.get(eb)!.id, kind: pgText(o.kind), proof, confidence: o.confidence, source: pgText(o.provenance?.source ?? null) };
    const key = JSON.stringify([row.a, row.b, row.kind, row.proof]);
    if (!rows.has(key)) rows.set(key, row);
  }
  if (!rows.size) return;
  const list = sortedBy([...rows.values()], (e) => [e.a, e.b, e.kind, e.proof]);
  const r = await ctx.client.query(
    `insert into evidence (account_a, account_b, kind, proof, confidence, source, first_seen)
     select u.a, u.b, u.kind, u.proof, u.confidence, u.source, $7
     from unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::real[], $6::text[]) with ordinality as u(a, b, kind, proof, confidence, source, ord)
     order by u.ord
     on conflict do nothing returning id`,
    [list.map((e) => e.a), list.map((e) => e.b), list.map((e) => e.kind), list.map((e) => e.proof), list.map((e) => e.confidence), list.map((e) => e.source), new Date(ctx.now)],
  );
  result.evidence += r.rowCount ?? 0;
}

/** Upsert notes by key; a key seen twice stays where it was first put, with the latest text. */
async function upsertNotes(ctx: ApplyContext, notes: NoteSeen[], accounts: AccountMap, result: ApplyResult): Promise<void> {
  if (!notes.length) return;
  const byKey = new Map<string, { persona: string; text: string }>();
  for (const o of notes) {
    const key = pgText(o.key);
    const prev = byKey.get(key);
    byKey.set(key, { persona: prev?.persona ?? accounts.get(o.account)!.persona, text: pgText(o.text) });
  }
  const ids = await allocateIds(ctx, 'notes', byKey.size);
  const idOf = new Map([...byKey.keys()].map((k, i) => [k, ids[i]!]));
  const keys = [...byKey.keys()].sort(byCodeUnit);
  // Re-importing a note replaces its text; the note stays on whichever persona holds it now.
  const r = await ctx.client.query<{ inserted: boolean }>(
    `insert into notes as n (id, persona, text, source_key, created_at, updated_at)
     select u.id, u.persona, u.text, u.key, $4, $4
     from unnest($1::uuid[], $2::text[], $3::text[], $5::bigint[]) with ordinality as u(persona, text, key, id, ord)
     order by u.ord
     on conflict (source_key) do update set text = excluded.text, updated_at = excluded.updated_at
     where n.text is distinct from excluded.text
     returning (n.xmax = 0) as inserted`,
    [keys.map((k) => byKey.get(k)!.persona), keys.map((k) => byKey.get(k)!.text), keys, new Date(ctx.now), keys.map((k) => idOf.get(k))],
  );
  for (const row of r.rows) if (row.inserted) result.notes++;
}

async function mergeIdentity(ctx: ApplyContext, o: IdentitySeen, accounts: AccountMap, result: ApplyResult, self: { id?: string }): Promise<void> {
  const { client } = ctx;
  const first = o.accounts[0];
  if (first === undefined) return;
  const at = new Date(ctx.now);
  const winner = accounts.get(first)!.persona;
  for (const eid of o.accounts.slice(1)) {
    const loser = accounts.get(eid)!.persona;
    if (loser === winner || (await areNotSame(client, winner, loser))) continue;
    await mergeInto(client, winner, loser, 'identity', `identity from ${o.provenance?.source ?? 'unknown source'}`, at, ctx.mergeSeq++);
    result.merges++;
    for (const row of accounts.values()) if (row.persona === loser) row.persona = winner;
  }
  if (o.self) {
    self.id ??= await selfHuman(client, at);
    await client.query(
      `insert into persona_control (human, persona, rel, created_at) values ($1, $2, 'owns', $3)
       on conflict (human, persona) do update set rel = 'owns' where persona_control.rel <> 'owns'`,
      [self.id, winner, at],
    );
  }
}

/**
 * Notes and identities in batch order, as the SQLite writer applies them: a note lands on the
 * persona its account has at that point of the batch (so a later merge moves it, logged, and a
 * split puts it back). Notes between two identities go in one statement.
 */
async function applyNotesAndIdentities(ctx: ApplyContext, batch: readonly Observation[], accounts: AccountMap, result: ApplyResult): Promise<void> {
  if (!batch.some((o) => o.type === 'note' || o.type === 'identity')) return;
  // Personas as they are now, under the identity lock taken at the start of the transaction.
  const ids = [...new Set(batch.flatMap((o) => (o.type === 'identity' ? o.accounts : o.type === 'note' ? [o.account] : [])))].sort(byCodeUnit);
  const r = await ctx.client.query<{ external_id: string; persona: string }>('select external_id, persona from accounts where external_id = any($1::text[])', [ids]);
  for (const row of r.rows) accounts.get(row.external_id)!.persona = row.persona;
  let pending: NoteSeen[] = [];
  const self: { id?: string } = {};
  for (const o of batch) {
    if (o.type === 'note') pending.push(o);
    else if (o.type === 'identity') {
      await upsertNotes(ctx, pending, accounts, result);
      pending = [];
      await mergeIdentity(ctx, o, accounts, result, self);
    }
  }
  await upsertNotes(ctx, pending, accounts, result);
}

/** Apply one validated batch on the caller's transaction. */
export async function applyBatch(ctx: ApplyContext, batch: readonly Observation[]): Promise<ApplyOutcome> {
  const result = emptyApplyResult();
  // Merges move accounts between personas: batches that merge, or put notes on personas, take
  // the identity lock first (so a note never lands on a persona merged away meanwhile).
  if (batch.some((o) => o.type === 'identity' || o.type === 'note')) await lockIdentity(ctx.client);
  const accountIds = new Set<string>();
  for (const o of batch) {
    accountRefs(o, accountIds);
    if (o.type === 'post') {
      if (o.poster) accountIds.add(o.poster);
      for (const d of o.distribution ?? []) if (d.target) accountIds.add(d.target);
    }
  }
  const newServices = await ensureServices(ctx, servicesOf(batch, accountIds));
  // Every writer locks in one order: accounts, lists, posts (each in key order), then edges.
  const postAccounts = new Set<string>();
  const postLists = new Set<string>();
  for (const o of batch) {
    if (o.type !== 'post') continue;
    if (o.poster) postAccounts.add(o.poster);
    for (const d of o.distribution ?? []) {
      if (!d.target || d.rel === 'broadcast') continue;
      (d.rel === 'list' || d.rel === 'channel' ? postLists : postAccounts).add(d.target);
    }
  }
  const accounts = await applyAccounts(ctx, batch, postAccounts, result);
  const createdLists = new Set<string>();
  const lists = await applyLists(ctx, batch, postLists, accounts, createdLists);
  const used = await applyPostsPhase(ctx, batch.filter(isPostish), accounts, lists, result);
  await dropUnrecorded(ctx, batch, postAccounts, postLists, used, accounts, lists, createdLists, result);
  await applyRelationships(ctx, batch, accounts, result);
  await applyEvidence(ctx, batch, accounts, result);
  await applyNotesAndIdentities(ctx, batch, accounts, result);
  return { result, newServices };
}

/**
 * Recipients and lists were created up front for every post observation (to keep one lock
 * order); those of observations that recorded nothing (a post seen after its tombstone) are
 * removed again, so the result is what applying the observations one by one gives.
 */
async function dropUnrecorded(
  ctx: ApplyContext,
  batch: readonly Observation[],
  postAccounts: Set<string>,
  postLists: Set<string>,
  used: { accounts: Set<string>; lists: Set<string> },
  accounts: AccountMap,
  lists: Map<string, number>,
  createdLists: Set<string>,
  result: ApplyResult,
): Promise<void> {
  const others = new Set<string>();
  for (const o of batch) accountRefs(o, others);
  const dropAccounts = [...postAccounts].filter((a) => !used.accounts.has(a) && !others.has(a) && accounts.get(a)?.created).sort(byCodeUnit);
  if (dropAccounts.length) {
    const rows = dropAccounts.map((a) => accounts.get(a)!);
    await ctx.client.query('delete from accounts where id = any($1::bigint[])', [rows.map((r) => r.id)]);
    await ctx.client.query('delete from personas p where id = any($1::uuid[]) and not exists (select 1 from accounts a where a.persona = p.id)', [rows.map((r) => r.persona)]);
    for (const a of dropAccounts) accounts.delete(a);
    result.accounts -= dropAccounts.length;
  }
  const listed = new Set(batch.flatMap((o) => (o.type === 'list' ? [o.externalId] : [])));
  const dropLists = [...postLists].filter((l) => !used.lists.has(l) && !listed.has(l) && createdLists.has(l)).sort(byCodeUnit);
  if (dropLists.length) {
    await ctx.client.query('delete from lists where id = any($1::bigint[])', [dropLists.map((l) => lists.get(l)!)]);
    for (const l of dropLists) lists.delete(l);
  }
}

function isPostish(o: Observation): o is PostObs {
  return o.type === 'post' || o.type === 'tombstone' || o.type === 'interaction';
}
