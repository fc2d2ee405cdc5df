// person(id): the PersonDto read model, built with a fixed handful of indexed queries (resolve,
// personas, accounts, names, notes), never one query per account. Runs in one read-only
// repeatable-read transaction so a merge committing half-way cannot tear the answer.

import type pg from 'pg';
import type { AccountDto, HumanDto, NameDto, NoteDto, PersonaDto, PersonaRelDto, PersonDto } from '../../../shared/people.js';
import { parseExternalId } from '../../model/external-id.js';
import { isoOf, isUuid } from './sql-values.js';

interface Resolved {
  human: string | null;
  /** The persona asked for (or found through an account), when it has no human. */
  persona: string | null;
}

/** Personas linked to a human: 'owns' first, then the oldest link. */
const HUMAN_OF_PERSONA = `select human from persona_control where persona = $1
  order by (rel = 'owns') desc, created_at, human limit 1`;

async function resolve(client: pg.PoolClient, id: string): Promise<Resolved | null> {
  let persona: string | null = null;
  if (isUuid(id)) {
    const h = await client.query('select 1 from humans where id = $1', [id]);
    if (h.rowCount) return { human: id.toLowerCase(), persona: null };
    const p = await client.query('select 1 from personas where id = $1', [id]);
    if (p.rowCount) persona = id.toLowerCase();
  }
  if (persona === null) {
    try {
      parseExternalId(id);
    } catch {
      return null;
    }
    const a = await client.query<{ persona: string }>('select persona from accounts where external_id = $1', [id]);
    persona = a.rows[0]?.persona ?? null;
    if (persona === null) return null;
  }
  const h = await client.query<{ human: string }>(HUMAN_OF_PERSONA, [persona]);
  const human = h.rows[0]?.human;
  return human ? { human, persona: null } : { human: null, persona };
}

interface AccountRow {
  id: string;
  persona: string;
  external_id: string;
  service: string;
  pretty_name: string;
  profile: Record<string, unknown> | null;
  first_seen: Date | null;
  last_seen: Date | null;
}

interface NameRow {
  account: string;
  name: string;
  kind: string;
  first_seen: Date | null;
  last_seen: Date | null;
}

function minIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

function maxIso(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

async function personas(client: pg.PoolClient, list: { id: string; rel: PersonaRelDto | null }[]): Promise<PersonaDto[]> {
  const ids = list.map((p) => p.id);
  const accounts = await client.query<AccountRow>(
    `select a.id, a.persona, a.external_id, a.service, s.pretty_name, a.profile, a.first_seen, a.last_seen
     from accounts a join services s on s.id = a.service
     where a.persona = any($1::uuid[]) order by a.id`,
    [ids],
  );
  const names = await client.query<NameRow>(
    `select account, name, kind, first_seen, last_seen from names where account = any($1::bigint[])
     order by last_seen desc nulls last, first_seen desc nulls last, id`,
    [accounts.rows.map((a) => a.id)],
  );
  const namesOf = new Map<string, NameDto[]>();
  for (const n of names.rows) {
    const dto: NameDto = { name: n.name, kind: n.kind, firstSeen: isoOf(n.first_seen), lastSeen: isoOf(n.last_seen) };
    const l = namesOf.get(n.account);
    if (l) l.push(dto);
    else namesOf.set(n.account, [dto]);
  }
  const byPersona = new Map<string, PersonaDto>(
    list.map((p) => [p.id, { id: p.id, rel: p.rel, names: [], accounts: [], firstSeen: null, lastSeen: null }]),
  );
  for (const a of accounts.rows) {
    const p = byPersona.get(a.persona)!;
    const dto: AccountDto = {
      externalId: a.external_id,
      service: a.service,
      servicePretty: a.pretty_name,
      names: namesOf.get(a.id) ?? [],
      profile: a.profile ?? {},
      firstSeen: isoOf(a.first_seen),
      lastSeen: isoOf(a.last_seen),
    };
    p.accounts.push(dto);
    p.firstSeen = minIso(p.firstSeen, dto.firstSeen);
    p.lastSeen = maxIso(p.lastSeen, dto.lastSeen);
  }
  for (const p of byPersona.values()) {
    // Every distinct name of every account, most recently seen first.
    const latest = new Map<string, string>();
    for (const a of p.accounts) for (const n of a.names) {
      const prev = latest.get(n.name);
      if (prev === undefined || (n.lastSeen ?? '') > prev) latest.set(n.name, n.lastSeen ?? '');
    }
    p.names = [...latest].sort((x, y) => (x[1] === y[1] ? (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0) : x[1] > y[1] ? -1 : 1)).map(([n]) => n);
  }
  return list.map((p) => byPersona.get(p.id)!);
}

async function notes(client: pg.PoolClient, human: string | null, personaIds: string[]): Promise<NoteDto[]> {
  const r = await client.query<{ id: string; text: string; updated_at: Date }>(
    `select id, text, updated_at from notes where human = $1 or persona = any($2::uuid[]) order by updated_at, id`,
    [human, personaIds],
  );
  return r.rows.map((n) => ({ id: Number(n.id), text: n.text, updatedAt: isoOf(n.updated_at)! }));
}

export async function readPerson(client: pg.PoolClient, id: string): Promise<PersonDto | null> {
  if (typeof id !== 'string' || !id) return null;
  const who = await resolve(client, id);
  if (!who) return null;
  if (who.human) {
    const h = await client.query<{ is_self: boolean }>('select is_self from humans where id = $1', [who.human]);
    const links = await client.query<{ persona: string; rel: PersonaRelDto }>(
      'select persona, rel from persona_control where human = $1 order by created_at, persona',
      [who.human],
    );
    const list = links.rows.map((l) => ({ id: l.persona, rel: l.rel }));
    const human: HumanDto = { id: who.human, isSelf: h.rows[0]?.is_self ?? false, personas: await personas(client, list) };
    return { kind: 'human', id: who.human, human, notes: await notes(client, who.human, list.map((p) => p.id)) };
  }
  const [persona] = await personas(client, [{ id: who.persona!, rel: null }]);
  return { kind: 'persona', id: who.persona!, persona: persona!, notes: await notes(client, null, [who.persona!]) };
}
