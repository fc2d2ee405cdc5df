// Reads over any connection (the caller's read-only handle in SqliteStore). person() builds the
// whole PersonDto in a fixed handful of indexed queries, whatever the number of accounts: ids are
// passed as one JSON array and expanded with json_each, so each statement is prepared once.

import type Database from 'better-sqlite3';
import { parseExternalId } from '../../model/external-id.js';
import type { AccountDto, NameDto, NoteDto, PersonaDto, PersonaRelDto, PersonDto } from '../../../shared/people.js';
import type { StoreCounts } from '../port.js';
import { isoOf } from './writer.js';
import { COUNTS_SQL, countsFromRow } from '../counts-sql.js';

type Db = Database.Database;
type Stmt = Database.Statement;

interface AccountRow {
  id: number;
  externalId: string;
  service: string;
  pretty: string | null;
  persona: string;
  profile: string | null;
  firstSeen: number | null;
  lastSeen: number | null;
}
interface NameRow {
  account: number;
  name: string;
  kind: string;
  firstSeen: number | null;
  lastSeen: number | null;
}

export class SqliteReads {
  private readonly s: Record<string, Stmt>;

  constructor(readonly db: Db) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      human: p('select id, is_self as isSelf from humans where id = ?'),
      persona: p('select id from personas where id = ?'),
      accountByExt: p('select persona from accounts where external_id = ?'),
      ownerOf: p("select human, rel from persona_control where persona = ? and rel in ('owns', 'participates') order by case rel when 'owns' then 0 else 1 end, created_at limit 1"),
      controlOfHuman: p("select c.persona, c.rel from persona_control c join personas p on p.id = c.persona where c.human = ? order by case c.rel when 'owns' then 0 when 'participates' then 1 else 2 end, p.created_at, p.id"),
      accounts: p(
        'select a.id, a.external_id as externalId, a.service, s.pretty_name as pretty, a.persona, a.profile, a.first_seen as firstSeen, a.last_seen as lastSeen ' +
          'from accounts a left join services s on s.id = a.service where a.persona in (select value from json_each(?)) order by a.first_seen is null, a.first_seen, a.id',
      ),
      names: p(
        'select n.account, n.name, n.kind, n.first_seen as firstSeen, n.last_seen as lastSeen from names n ' +
          'where n.account in (select a.id from accounts a where a.persona in (select value from json_each(?))) order by n.last_seen desc, n.id desc',
      ),
      notesOf: p(
        'select id, text, updated_at as updatedAt from notes where human = ? or persona in (select value from json_each(?)) order by updated_at desc, id desc',
      ),
      personaOf: p('select persona from accounts where external_id = ?'),
      mergeLog: p('select id, op, winner, loser, at, undone_at as undoneAt, reason from merge_log order by at, rowid'),
      cursor: p('select value from ingest_cursors where source = ? and key = ?'),
      counts: p(COUNTS_SQL),
    };
  }

  /** By human uuid, persona uuid or account external id; a persona someone owns shows its human. */
  person(id: string): PersonDto | null {
    if (typeof id !== 'string' || id.length === 0) return null;
    const human = this.s.human!.get(id) as { id: string; isSelf: number } | undefined;
    if (human) return this.humanDto(human.id, human.isSelf === 1);
    let persona: string | undefined = (this.s.persona!.get(id) as { id: string } | undefined)?.id;
    if (persona === undefined && isExternalId(id)) persona = (this.s.accountByExt!.get(id) as { persona: string } | undefined)?.persona;
    if (persona === undefined) return null;
    const owner = this.s.ownerOf!.get(persona) as { human: string; rel: string } | undefined;
    if (owner) {
      const h = this.s.human!.get(owner.human) as { id: string; isSelf: number };
      return this.humanDto(h.id, h.isSelf === 1);
    }
    const [dto] = this.personaDtos([{ id: persona, rel: null }]);
    return { kind: 'persona', id: persona, persona: dto!, notes: this.notes(null, [persona]) };
  }

  private humanDto(id: string, isSelf: boolean): PersonDto {
    const control = this.s.controlOfHuman!.all(id) as { persona: string; rel: PersonaRelDto }[];
    const personas = this.personaDtos(control.map((c) => ({ id: c.persona, rel: c.rel })));
    return { kind: 'human', id, human: { id, isSelf, personas }, notes: this.notes(id, control.map((c) => c.persona)) };
  }

  private notes(human: string | null, personas: string[]): NoteDto[] {
    const rows = this.s.notesOf!.all(human, JSON.stringify(personas)) as { id: number; text: string; updatedAt: number }[];
    return rows.map((r) => ({ id: r.id, text: r.text, updatedAt: isoOf(r.updatedAt)! }));
  }

  private personaDtos(list: { id: string; rel: PersonaRelDto | null }[]): PersonaDto[] {
    if (list.length === 0) return [];
    const ids = JSON.stringify(list.map((p) => p.id));
    const accounts = this.s.accounts!.all(ids) as AccountRow[];
    const names = this.s.names!.all(ids) as NameRow[];
    const namesByAccount = new Map<number, NameDto[]>();
    for (const n of names) {
      let arr = namesByAccount.get(n.account);
      if (!arr) namesByAccount.set(n.account, (arr = []));
      arr.push({ name: n.name, kind: n.kind, firstSeen: isoOf(n.firstSeen), lastSeen: isoOf(n.lastSeen) });
    }
    const personaOfAccount = new Map(accounts.map((a) => [a.id, a.persona]));
    const out = new Map<string, PersonaDto>();
    const seenNames = new Map<string, Set<string>>();
    for (const p of list) {
      out.set(p.id, { id: p.id, rel: p.rel, names: [], accounts: [], firstSeen: null, lastSeen: null });
      seenNames.set(p.id, new Set());
    }
    // Names arrive most recent first, so the persona's distinct names keep that order.
    for (const n of names) {
      const persona = personaOfAccount.get(n.account);
      if (persona === undefined) continue;
      const seen = seenNames.get(persona)!;
      if (!seen.has(n.name)) {
        seen.add(n.name);
        out.get(persona)!.names.push(n.name);
      }
    }
    const first = new Map<string, number>();
    const last = new Map<string, number>();
    for (const a of accounts) {
      const dto: AccountDto = {
        externalId: a.externalId,
        service: a.service,
        servicePretty: a.pretty ?? a.service,
        names: namesByAccount.get(a.id) ?? [],
        profile: parseProfile(a.profile),
        firstSeen: isoOf(a.firstSeen),
        lastSeen: isoOf(a.lastSeen),
      };
      out.get(a.persona)!.accounts.push(dto);
      if (a.firstSeen !== null && (first.get(a.persona) ?? Infinity) > a.firstSeen) first.set(a.persona, a.firstSeen);
      if (a.lastSeen !== null && (last.get(a.persona) ?? -Infinity) < a.lastSeen) last.set(a.persona, a.lastSeen);
    }
    for (const [id, dto] of out) {
      dto.firstSeen = isoOf(first.get(id));
      dto.lastSeen = isoOf(last.get(id));
    }
    return list.map((p) => out.get(p.id)!);
  }

  personaOf(externalId: string): string | null {
    return (this.s.personaOf!.get(externalId) as { persona: string } | undefined)?.persona ?? null;
  }

  counts(): StoreCounts {
    return countsFromRow(this.s.counts!.get() as Record<string, unknown>);
  }

  mergeLog(): { id: string; op: string; winner: string; loser: string; at: string; undoneAt: string | null; reason: string | null }[] {
    const rows = this.s.mergeLog!.all() as { id: string; op: string; winner: string; loser: string; at: number; undoneAt: number | null; reason: string | null }[];
    return rows.map((r) => ({ ...r, at: isoOf(r.at)!, undoneAt: isoOf(r.undoneAt) }));
  }

  getCursor(source: string, key: string): string | null {
    return (this.s.cursor!.get(source, key) as { value: string } | undefined)?.value ?? null;
  }
}

function isExternalId(id: string): boolean {
  try {
    parseExternalId(id);
    return true;
  } catch {
    return false;
  }
}

function parseProfile(s: string | null): Record<string, unknown> {
  if (!s) return {};
  try {
    const v: unknown = JSON.parse(s);
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
