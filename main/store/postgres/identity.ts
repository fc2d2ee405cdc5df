// Identity operations on one transaction's client: merging personas (logged with enough detail
// in merge_log.detail to undo), splitting a merge, linking personas under humans, persona
// names, anti-links. Every function here runs inside a transaction the caller opened.
//
// All operations that move accounts between personas take one transaction-scoped advisory lock
// first, so two hosts never merge the same personas at once (and never create two "self" humans).

import { randomUUID } from 'node:crypto';
import { uuidV7 } from '../../util/uuid-v7.js';
import type pg from 'pg';
import type { PersonaRel } from '../../model/observations.js';
import { personaNamesAccount } from '../../model/external-id.js';
import { fold } from '../../model/fold.js';
import { StoreError, type LinkRecord, type MergeRecord } from '../port.js';
import { isUuid, pgText } from './sql-values.js';

export async function lockIdentity(client: pg.PoolClient): Promise<void> {
  await client.query("select pg_advisory_xact_lock(hashtext('skrode:identity'))");
}

/** What a merge moved, so split can put it back. Stored as merge_log.detail (jsonb). */
export interface MergeDetail {
  version: 1;
  /** The loser persona row, to recreate it with the same id. */
  persona: { createdAt: string; more: unknown };
  /** Account row ids that moved from the loser to the winner. */
  accounts: number[];
  /** Note ids that moved. */
  notes: number[];
  /** The loser's human links (deleted with it). */
  links: { human: string; rel: PersonaRel; createdAt: string }[];
  /** Humans the merge newly linked to the winner (removed again on split). */
  addedLinks: string[];
  /** The loser's "not the same person" marks, which the winner took over. */
  antiLinks: { other: string; createdAt: string; inserted: boolean }[];
  /** Order of merges done in one transaction (they share `at`). */
  seq: number;
}

/** Ids are uuids; anything else names nothing (the same answer SQLite gives). */
function checkUuid(id: string, what: string): void {
  if (typeof id !== 'string' || !isUuid(id)) throw new StoreError(`no ${what} ${JSON.stringify(id)}`, 'not-found');
}

function orderedPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

export async function personaExists(client: pg.PoolClient, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const r = await client.query('select 1 from personas where id = $1', [id]);
  return r.rowCount === 1;
}

async function humanExists(client: pg.PoolClient, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const r = await client.query('select 1 from humans where id = $1', [id]);
  return r.rowCount === 1;
}

export async function areNotSame(client: pg.PoolClient, a: string, b: string): Promise<boolean> {
  const [x, y] = a < b ? [a, b] : [b, a];
  const r = await client.query('select 1 from anti_links where persona_a = $1 and persona_b = $2', [x, y]);
  return r.rowCount === 1;
}

/** Move everything of `loser` into `winner` and delete `loser`; logged. Caller holds the lock. */
export async function mergeInto(
  client: pg.PoolClient,
  winner: string,
  loser: string,
  op: 'merge' | 'identity',
  reason: string | null,
  at: Date,
  seq = 0,
): Promise<MergeRecord> {
  if (typeof winner === 'string' && typeof loser === 'string' && winner.toLowerCase() === loser.toLowerCase()) {
    throw new StoreError('cannot merge a persona into itself', 'invalid');
  }
  checkUuid(winner, 'persona');
  checkUuid(loser, 'persona');
  winner = winner.toLowerCase();
  loser = loser.toLowerCase();
  const rows = await client.query<{ id: string; created_at: Date; more: unknown }>(
    'select id, created_at, more from personas where id = any($1::uuid[]) order by id for update',
    [[winner, loser]],
  );
  const loserRow = rows.rows.find((r) => r.id === loser.toLowerCase());
  if (!rows.rows.some((r) => r.id === winner.toLowerCase())) throw new StoreError(`no persona ${winner}`, 'not-found');
  if (!loserRow) throw new StoreError(`no persona ${loser}`, 'not-found');
  if (await areNotSame(client, winner, loser)) throw new StoreError(`personas ${winner} and ${loser} are marked as not the same person`, 'conflict');

  const moved = await client.query<{ id: string }>('update accounts set persona = $1 where persona = $2 returning id', [winner, loser]);
  const notes = await client.query<{ id: string }>('update notes set persona = $1 where persona = $2 returning id', [winner, loser]);
  const links = await client.query<{ human: string; rel: PersonaRel; created_at: Date }>(
    'select human, rel, created_at from persona_control where persona = $1 order by human',
    [loser],
  );
  const added = await client.query<{ human: string }>(
    `insert into persona_control (human, persona, rel, created_at)
     select human, $1, rel, created_at from persona_control where persona = $2 order by human
     on conflict do nothing returning human`,
    [winner, loser],
  );
  // "Not the same person" follows the accounts: the winner takes over the loser's marks.
  const anti = await client.query<{ other: string; created_at: Date }>(
    `select case when persona_a = $1 then persona_b else persona_a end as other, created_at
     from anti_links where persona_a = $1 or persona_b = $1 order by 1`,
    [loser],
  );
  const antiLinks: MergeDetail['antiLinks'] = [];
  for (const l of anti.rows) {
    const [x, y] = orderedPair(winner, l.other);
    const r = await client.query('insert into anti_links (persona_a, persona_b, created_at) values ($1, $2, $3) on conflict do nothing', [x, y, l.created_at]);
    antiLinks.push({ other: l.other, createdAt: l.created_at.toISOString(), inserted: r.rowCount === 1 });
  }
  await client.query('delete from anti_links where persona_a = $1 or persona_b = $1', [loser]);
  await client.query('delete from personas where id = $1', [loser]);

  const detail: MergeDetail = {
    version: 1,
    persona: { createdAt: loserRow.created_at.toISOString(), more: loserRow.more ?? null },
    accounts: moved.rows.map((r) => Number(r.id)).sort((a, b) => a - b),
    notes: notes.rows.map((r) => Number(r.id)).sort((a, b) => a - b),
    links: links.rows.map((r) => ({ human: r.human, rel: r.rel, createdAt: r.created_at.toISOString() })),
    addedLinks: added.rows.map((r) => r.human).sort(),
    antiLinks,
    seq,
  };
  const id = randomUUID();
  // clock_timestamp() (microseconds, advancing within a transaction) keeps merge_log in the order
  // merges happened, even several in one millisecond or one batch.
  const logged = await client.query<{ at: Date }>(
    `insert into merge_log (id, op, winner, loser, reason, detail, at)
     values ($1, $2, $3, $4, $5, $6::jsonb, greatest(clock_timestamp(), $7::timestamptz)) returning at`,
    [id, op, winner, loser, pgText(reason), JSON.stringify(detail), at],
  );
  return { id, winner, loser, movedAccounts: detail.accounts.length, at: logged.rows[0]!.at.toISOString() };
}

/** Where a persona's accounts live now: itself, or the persona it was (transitively) merged into. */
async function currentPersona(client: pg.PoolClient, persona: string, mergeId: string): Promise<string> {
  let cur = persona;
  const seen = new Set<string>();
  while (!(await personaExists(client, cur))) {
    if (seen.has(cur)) throw new StoreError(`merge log loops at ${cur}`, 'corrupt');
    seen.add(cur);
    const r = await client.query<{ winner: string }>(
      "select winner from merge_log where loser = $1 and undone_at is null order by at desc, (detail->>'seq')::int desc limit 1",
      [cur],
    );
    const next = r.rows[0]?.winner;
    if (!next) throw new StoreError(`persona ${persona} no longer exists; cannot undo merge ${mergeId}`, 'conflict');
    cur = next;
  }
  return cur;
}

export async function splitMerge(client: pg.PoolClient, mergeId: string, at: Date): Promise<void> {
  checkUuid(mergeId, 'merge');
  await lockIdentity(client);
  const r = await client.query<{ winner: string; loser: string; detail: MergeDetail; undone_at: Date | null }>(
    'select winner, loser, detail, undone_at from merge_log where id = $1 for update',
    [mergeId],
  );
  const row = r.rows[0];
  if (!row) throw new StoreError(`no merge ${mergeId} in the merge log`, 'not-found');
  if (row.undone_at) throw new StoreError(`merge ${mergeId} was already undone at ${row.undone_at.toISOString()}`, 'conflict');
  if (await personaExists(client, row.loser)) throw new StoreError(`persona ${row.loser} exists again; cannot undo merge ${mergeId}`, 'conflict');
  const d = row.detail;
  const current = await currentPersona(client, row.winner, mergeId);

  await client.query('insert into personas (id, created_at, more) values ($1, $2, $3::jsonb)', [
    row.loser,
    d.persona.createdAt,
    d.persona.more === null || d.persona.more === undefined ? null : JSON.stringify(d.persona.more),
  ]);
  if (d.accounts.length) await client.query('update accounts set persona = $1 where id = any($2::bigint[])', [row.loser, d.accounts]);
  if (d.notes.length) await client.query('update notes set persona = $1 where id = any($2::bigint[])', [row.loser, d.notes]);
  if (d.addedLinks.length) {
    await client.query('delete from persona_control where persona = $1 and human = any($2::uuid[])', [current, d.addedLinks]);
  }
  if (d.links.length) {
    // Humans deleted since the merge are skipped: the join keeps only those still existing.
    await client.query(
      `insert into persona_control (human, persona, rel, created_at)
       select h.id, $1, u.rel, u.created_at
       from unnest($2::uuid[], $3::text[], $4::timestamptz[]) as u(human, rel, created_at)
       join humans h on h.id = u.human
       order by h.id
       on conflict do nothing`,
      [row.loser, d.links.map((l) => l.human), d.links.map((l) => l.rel), d.links.map((l) => l.createdAt)],
    );
  }
  for (const l of d.antiLinks ?? []) {
    if (l.inserted) await client.query('delete from anti_links where persona_a = $1 and persona_b = $2', orderedPair(current, l.other));
    const [x, y] = orderedPair(row.loser, l.other);
    await client.query('insert into anti_links (persona_a, persona_b, created_at) values ($1, $2, $3) on conflict do nothing', [x, y, l.createdAt]);
  }
  await client.query('update merge_log set undone_at = $2 where id = $1', [mergeId, at]);
}

export async function linkPersona(client: pg.PoolClient, human: string | null, persona: string, rel: PersonaRel, at: Date): Promise<LinkRecord> {
  if (!['owns', 'participates', 'suspected'].includes(rel)) throw new StoreError(`unknown persona relation ${JSON.stringify(rel)}`, 'invalid');
  checkUuid(persona, 'persona');
  await lockIdentity(client);
  if (!(await personaExists(client, persona))) throw new StoreError(`no persona ${persona}`, 'not-found');
  if (human !== null) checkUuid(human, 'human');
  let h = human?.toLowerCase() ?? null;
  if (h === null) {
    h = uuidV7();
    await client.query('insert into humans (id, is_self, created_at) values ($1, false, $2)', [h, at]);
  } else if (!(await humanExists(client, h))) {
    throw new StoreError(`no human ${h}`, 'not-found');
  }
  await client.query(
    `insert into persona_control (human, persona, rel, created_at) values ($1, $2, $3, $4)
     on conflict (human, persona) do update set rel = excluded.rel`,
    [h, persona, rel, at],
  );
  return { human: h, persona: persona.toLowerCase(), rel };
}

export async function unlinkPersona(client: pg.PoolClient, human: string, persona: string): Promise<void> {
  if (!isUuid(String(human)) || !isUuid(String(persona))) throw new StoreError(`persona ${persona} is not linked to human ${human}`, 'not-found');
  await lockIdentity(client);
  const r = await client.query('delete from persona_control where human = $1 and persona = $2', [human, persona]);
  if (r.rowCount === 0) throw new StoreError(`persona ${persona} is not linked to human ${human}`, 'not-found');
}

/** The user's own human, created once (the caller holds the identity lock). */
export async function selfHuman(client: pg.PoolClient, at: Date): Promise<string> {
  const r = await client.query<{ id: string }>('select id from humans where is_self order by created_at, id limit 1');
  if (r.rows[0]) return r.rows[0].id;
  const id = uuidV7();
  await client.query('insert into humans (id, is_self, created_at) values ($1, true, $2)', [id, at]);
  return id;
}

export async function markNotSame(client: pg.PoolClient, a: string, b: string, at: Date): Promise<void> {
  if (typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase()) throw new StoreError('a persona is always the same person as itself', 'invalid');
  checkUuid(a, 'persona');
  checkUuid(b, 'persona');
  const [x, y] = orderedPair(a.toLowerCase(), b.toLowerCase());
  for (const p of [x, y]) if (!(await personaExists(client, p))) throw new StoreError(`no persona ${p}`, 'not-found');
  await client.query('insert into anti_links (persona_a, persona_b, created_at) values ($1, $2, $3) on conflict do nothing', [x, y, at]);
}

/** A name for the persona itself, kept on its `namesvc+user:<persona>` pseudo-account. */
export async function addPersonaName(client: pg.PoolClient, persona: string, name: string, at: Date): Promise<void> {
  checkUuid(persona, 'persona');
  const p = persona.toLowerCase();
  const clean = pgText(name).trim();
  if (!clean) throw new StoreError('a persona name cannot be empty', 'invalid');
  if (clean.length > 1024) throw new StoreError('a persona name is longer than 1024 characters', 'invalid');
  if (!(await personaExists(client, p))) throw new StoreError(`no persona ${p}`, 'not-found');
  const eid = personaNamesAccount(p);
  // The pseudo-account is never "seen" anywhere; its names carry the times.
  const acc = await client.query<{ id: string }>(
    `insert into accounts (external_id, service, persona, source) values ($1, 'namesvc', $2, 'user')
     on conflict (external_id) do update set source = accounts.source
     returning id`,
    [eid, p],
  );
  await client.query(
    `insert into names (account, name, kind, fold, first_seen, last_seen) values ($1, $2, 'display', $3, $4, $4)
     on conflict (account, name, kind) do update set first_seen = least(names.first_seen, excluded.first_seen),
       last_seen = greatest(names.last_seen, excluded.last_seen)`,
    [acc.rows[0]!.id, clean, fold(clean), at],
  );
}
