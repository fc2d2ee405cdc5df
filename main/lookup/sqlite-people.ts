// Reading a person (a human with all its personas, or a lone persona) straight from a SQLite
// connection with plain prepared statements. `skrode whois` uses this on its read-only
// connection so that start-up loads neither the store's writer nor drizzle; the result has the
// same shape as Store.person() (shared/people.ts).
import type Database from 'better-sqlite3';
import type { AccountDto, HumanDto, NameDto, NoteDto, PersonaDto, PersonaRelDto, PersonDto } from '../../shared/people.js';
import type { PersonSource } from './engine.js';

type Db = Database.Database;

const iso = (ms: number | null): string | null => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString());

function parseProfile(text: string | null): Record<string, unknown> {
  if (!text) return {};
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {}; // a damaged profile must not hide the person
  }
}

export class SqlitePeopleReader implements PersonSource {
  private readonly q;

  constructor(db: Db) {
    this.q = {
      human: db.prepare('SELECT id, is_self AS isSelf FROM humans WHERE id = ?'),
      persona: db.prepare('SELECT id FROM personas WHERE id = ?'),
      personasOf: db.prepare(
        `SELECT persona, rel FROM persona_control WHERE human = ?
          ORDER BY CASE rel WHEN 'owns' THEN 0 WHEN 'participates' THEN 1 ELSE 2 END, created_at, persona`,
      ),
      accounts: db.prepare(
        `SELECT a.id AS id, a.external_id AS externalId, a.service AS service, coalesce(s.pretty_name, a.service) AS pretty,
                a.profile AS profile, a.first_seen AS firstSeen, a.last_seen AS lastSeen
           FROM accounts a LEFT JOIN services s ON s.id = a.service
          WHERE a.persona = ? ORDER BY a.first_seen, a.id`,
      ),
      names: db.prepare(
        `SELECT name, kind, first_seen AS firstSeen, last_seen AS lastSeen FROM names WHERE account = ?
          ORDER BY last_seen DESC, id`,
      ),
      humanNotes: db.prepare('SELECT id, text, updated_at AS updatedAt FROM notes WHERE human = ? ORDER BY id'),
      personaNotes: db.prepare('SELECT id, text, updated_at AS updatedAt FROM notes WHERE persona = ? ORDER BY id'),
    };
  }

  private persona(id: string, rel: PersonaRelDto | null): PersonaDto {
    const accounts: AccountDto[] = [];
    const recency = new Map<string, number>();
    let firstSeen: number | null = null;
    let lastSeen: number | null = null;
    for (const a of this.q.accounts.all(id) as { id: number; externalId: string; service: string; pretty: string; profile: string | null; firstSeen: number | null; lastSeen: number | null }[]) {
      const rows = this.q.names.all(a.id) as { name: string; kind: string; firstSeen: number | null; lastSeen: number | null }[];
      const names: NameDto[] = rows.map((n) => ({ name: n.name, kind: n.kind, firstSeen: iso(n.firstSeen), lastSeen: iso(n.lastSeen) }));
      for (const n of rows) recency.set(n.name, Math.max(recency.get(n.name) ?? -Infinity, n.lastSeen ?? -Infinity));
      if (a.firstSeen !== null && (firstSeen === null || a.firstSeen < firstSeen)) firstSeen = a.firstSeen;
      if (a.lastSeen !== null && (lastSeen === null || a.lastSeen > lastSeen)) lastSeen = a.lastSeen;
      accounts.push({
        externalId: a.externalId,
        service: a.service,
        servicePretty: a.pretty,
        names,
        profile: parseProfile(a.profile),
        firstSeen: iso(a.firstSeen),
        lastSeen: iso(a.lastSeen),
      });
    }
    const names = [...recency.entries()].sort((x, y) => y[1] - x[1]).map(([n]) => n);
    return { id, rel, names, accounts, firstSeen: iso(firstSeen), lastSeen: iso(lastSeen) };
  }

  private notes(rows: unknown[]): NoteDto[] {
    return (rows as { id: number; text: string; updatedAt: number }[]).map((n) => ({ id: n.id, text: n.text, updatedAt: iso(n.updatedAt) ?? '' }));
  }

  async person(id: string): Promise<PersonDto | null> {
    const h = this.q.human.get(id) as { id: string; isSelf: number } | undefined;
    if (h) {
      const links = this.q.personasOf.all(id) as { persona: string; rel: PersonaRelDto }[];
      const personas = links.map((l) => this.persona(l.persona, l.rel));
      const human: HumanDto = { id, isSelf: h.isSelf === 1, personas };
      const notes = [...this.notes(this.q.humanNotes.all(id)), ...links.flatMap((l) => this.notes(this.q.personaNotes.all(l.persona)))];
      return { kind: 'human', id, human, notes };
    }
    if (this.q.persona.get(id)) {
      return { kind: 'persona', id, persona: this.persona(id, null), notes: this.notes(this.q.personaNotes.all(id)) };
    }
    return null;
  }
}
