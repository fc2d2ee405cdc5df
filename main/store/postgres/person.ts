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

/**
 * The human a persona is shown as: one that owns it, else one it participates in (the oldest
 * link first). A persona merely "suspected" to be someone shows on its own.
 */
const HUMAN_OF_PERSONA = `select human from persona_control where persona = $1 and rel in ('owns', 'participates')
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
  pretty_name: string | null;
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
     from accounts a left join services s on s.id = a.service
     where a.persona = any($1::uuid[]) order by a.first_seen is null, a.first_seen, a.id`,
    [ids],
  );
  const names = await client.query<NameRow>(
    `select account, name, kind, first_seen, last_seen from names where account = any($1::bigint[])
     order by last_seen desc nulls last, id desc`,
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
      servicePretty: a.pretty_name ?? a.service,
      names: namesOf.get(a.id) ?? [],
      profile: a.profile ?? {},
      firstSeen: isoOf(a.first_seen),
      lastSeen: isoOf(a.last_seen),
    };
    p.accounts.push(dto);
    p.firstSeen = minIso(p.firstSeen, dto.firstSeen);
    p.lastSeen = maxIso(p.lastSeen, dto.lastSeen);
  }
  // Every distinct name of every account: names arrive most recently seen first, so the first
  // sighting of each keeps that order.
  const personaOfAccount = new Map(accounts.rows.map((a) => [a.id, a.persona]));
  const seenNames = new Map<string, Set<string>>();
  for (const n of names.rows) {
    const persona = personaOfAccount.get(n.account)!;
    let seen = seenNames.get(persona);
    if (!seen) seenNames.set(persona, (seen = new Set()));
    if (seen.has(n.name)) continue;
    seen.add(n.name);
    byPersona.get(persona)!.names.push(n.name);
  }
  return list.map((p) => byPersona.get(p.id)!);
}

async function notes(client: pg.PoolClient, human: string | null, personaIds: string[]): Promise<NoteDto[]> {
  const r = await client.query<{ id: string; text: string; updated_at: Date }>(
    `select id, text, updated_at from notes where human = $1 or persona = any($2::uuid[]) order by updated_at desc, id desc`,
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
      "select c.persona, c.rel from persona_control c join personas p on p.id = c.persona where c.human = $1 order by case c.rel when 'owns' then 0 when 'participates' then 1 else 2 end, p.created_at, p.id",
      [who.human],
    );
    const list = links.rows.map((l) => ({ id: l.persona, rel: l.rel }));
    const human: HumanDto = { id: who.human, isSelf: h.rows[0]?.is_self ?? false, personas: await personas(client, list) };
    return { kind: 'human', id: who.human, human, notes: await notes(client, who.human, list.map((p) => p.id)) };
  }
  const [persona] = await personas(client, [{ id: who.persona!, rel: null }]);
  return { kind: 'persona', id: who.persona!, persona: persona!, notes: await notes(client, null, [who.persona!]) };
}
