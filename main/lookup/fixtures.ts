// Test and benchmark data for the lookup engine: people written straight into the tables (and
// the FTS indexes, as the store's writer does), so lookup can be tested without the store's
// apply path. Not used by the app.
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { randomUUID } from 'node:crypto';
import { fold } from '../model/fold.js';

export interface FixtureName {
  name: string;
  kind: 'handle' | 'display' | 'email' | 'alias' | 'phone' | 'nick';
  /** Milliseconds since the epoch. */
  lastSeen?: number;
}

export interface FixtureAccount {
  externalId: string;
  names: FixtureName[];
  lastSeen?: number;
}

export interface FixturePersona {
  id?: string;
  accounts: FixtureAccount[];
}

export interface FixturePerson {
  /** When set, every persona is linked to this human. */
  human?: { id?: string; rel?: 'owns' | 'participates' | 'suspected'; isSelf?: boolean };
  personas: FixturePersona[];
}

export interface Inserted {
  humans: string[];
  /** Persona ids in fixture order, one list per person. */
  personas: string[][];
}

const T0 = Date.UTC(2020, 0, 1);

/** Write people into a migrated SQLite database (one transaction). */
export function insertPeopleSqlite(db: Database.Database, people: readonly FixturePerson[]): Inserted {
  const s = {
    human: db.prepare('INSERT INTO humans (id, is_self, created_at) VALUES (?, ?, ?)'),
    persona: db.prepare('INSERT INTO personas (id, created_at) VALUES (?, ?)'),
    control: db.prepare('INSERT INTO persona_control (human, persona, rel, created_at) VALUES (?, ?, ?, ?)'),
    account: db.prepare('INSERT INTO accounts (external_id, service, persona, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)'),
    name: db.prepare('INSERT INTO names (account, name, kind, fold, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)'),
    fts: db.prepare('INSERT INTO names_fts (rowid, fold) VALUES (?, ?)'),
    tri: db.prepare('INSERT INTO names_tri (rowid, fold) VALUES (?, ?)'),
  };
  const out: Inserted = { humans: [], personas: [] };
  db.transaction(() => {
    for (const person of people) {
      let human: string | null = null;
      if (person.human) {
        human = person.human.id ?? randomUUID();
        s.human.run(human, person.human.isSelf ? 1 : 0, T0);
        out.humans.push(human);
      }
      const ids: string[] = [];
      for (const p of person.personas) {
        const pid = p.id ?? randomUUID();
        ids.push(pid);
        s.persona.run(pid, T0);
        if (human) s.control.run(human, pid, person.human?.rel ?? 'owns', T0 + ids.length);
        for (const a of p.accounts) {
          const seen = a.lastSeen ?? Math.max(T0, ...a.names.map((n) => n.lastSeen ?? T0));
          const account = Number(s.account.run(a.externalId, a.externalId.slice(0, a.externalId.indexOf('+')), pid, T0, seen).lastInsertRowid);
          for (const n of a.names) {
            const f = fold(n.name);
            const id = Number(s.name.run(account, n.name, n.kind, f, T0, n.lastSeen ?? seen).lastInsertRowid);
            s.fts.run(id, f);
            s.tri.run(id, f);
          }
        }
      }
      out.personas.push(ids);
    }
  })();
  return out;
}

/** Write people into a migrated Postgres schema (the pool's search_path points at it). */
export async function insertPeoplePostgres(pool: pg.Pool, people: readonly FixturePerson[]): Promise<Inserted> {
  const out: Inserted = { humans: [], personas: [] };
  const client = await pool.connect();
  const at = (ms: number) => new Date(ms);
  try {
    await client.query('BEGIN');
    for (const person of people) {
      let human: string | null = null;
      if (person.human) {
        human = person.human.id ?? randomUUID();
        await client.query('INSERT INTO humans (id, is_self, created_at) VALUES ($1, $2, $3)', [human, person.human.isSelf === true, at(T0)]);
        out.humans.push(human);
      }
      const ids: string[] = [];
      for (const p of person.personas) {
        const pid = p.id ?? randomUUID();
        ids.push(pid);
        await client.query('INSERT INTO personas (id, created_at) VALUES ($1, $2)', [pid, at(T0)]);
        if (human) await client.query('INSERT INTO persona_control (human, persona, rel, created_at) VALUES ($1, $2, $3, $4)', [human, pid, person.human?.rel ?? 'owns', at(T0 + ids.length)]);
        for (const a of p.accounts) {
          const seen = a.lastSeen ?? Math.max(T0, ...a.names.map((n) => n.lastSeen ?? T0));
          const r = await client.query<{ id: string }>('INSERT INTO accounts (external_id, service, persona, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5) RETURNING id', [
            a.externalId,
            a.externalId.slice(0, a.externalId.indexOf('+')),
            pid,
            at(T0),
            at(seen),
          ]);
          for (const n of a.names) {
            await client.query('INSERT INTO names (account, name, kind, fold, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5, $6)', [r.rows[0]!.id, n.name, n.kind, fold(n.name), at(T0), at(n.lastSeen ?? seen)]);
          }
        }
      }
      out.personas.push(ids);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK');
    throw e;
  } finally {
    client.release();
  }
  return out;
}

const day = (n: number) => Date.UTC(2024, 0, 1) + n * 86_400_000;

/** The people the lookup engine is tested with, one of each hard case; `key` names them. */
export const SAMPLE_PEOPLE: { key: string; person: FixturePerson }[] = [
  {
    key: 'ada',
    person: {
      human: {},
      personas: [
        { accounts: [{ externalId: 'twitter+user:1', names: [{ name: '@ada', kind: 'handle', lastSeen: day(10) }, { name: 'Ada Lovelace', kind: 'display', lastSeen: day(10) }] }] },
        {
          accounts: [
            { externalId: 'github+user:adalove', names: [{ name: 'adalove', kind: 'handle', lastSeen: day(5) }] },
            { externalId: 'email+addr:ada@example.org', names: [{ name: 'ada@example.org', kind: 'email', lastSeen: day(5) }] },
          ],
        },
      ],
    },
  },
  { key: 'adam', person: { personas: [{ accounts: [{ externalId: 'twitter+user:2', names: [{ name: '@adamsmith', kind: 'handle', lastSeen: day(20) }, { name: 'Adam Smith', kind: 'display', lastSeen: day(20) }] }] }] } },
  { key: 'zoe', person: { personas: [{ accounts: [{ externalId: 'mastodon+user:@zoe@example.social', names: [{ name: '@zoe@example.social', kind: 'handle', lastSeen: day(30) }, { name: 'Zoë Ådahl', kind: 'display', lastSeen: day(30) }] }] }] } },
  { key: 'nadal', person: { personas: [{ accounts: [{ externalId: 'twitter+user:3', names: [{ name: 'Rafael Nadal', kind: 'display', lastSeen: day(40) }] }] }] } },
  { key: 'reid', person: { personas: [{ accounts: [{ externalId: 'twitter+user:4', names: [{ name: 'Reid McKenzie', kind: 'display', lastSeen: day(1) }, { name: '@arrdem', kind: 'handle', lastSeen: day(1) }] }] }] } },
  { key: 'arrdemfan', person: { personas: [{ accounts: [{ externalId: 'lobsters+user:fan', names: [{ name: 'Arrdem Fan', kind: 'display', lastSeen: day(50) }] }] }] } },
  { key: 'bobby', person: { personas: [{ accounts: [{ externalId: 'twitter+user:5', names: [{ name: 'Bobby One', kind: 'display', lastSeen: day(2) }] }] }] } },
  { key: 'bobcat', person: { personas: [{ accounts: [{ externalId: 'twitter+user:6', names: [{ name: 'Bobcat Two', kind: 'display', lastSeen: day(3) }] }] }] } },
  {
    key: 'phone',
    person: { personas: [{ accounts: [{ externalId: 'tel+number:+441234567890', names: [{ name: '+44 1234 567890', kind: 'phone', lastSeen: day(4) }] }, { externalId: 'twitter+user:7', names: [{ name: 'Phoebe Caller', kind: 'display', lastSeen: day(4) }] }] }] },
  },
  { key: 'percent', person: { personas: [{ accounts: [{ externalId: 'twitter+user:8', names: [{ name: '100% Real', kind: 'display', lastSeen: day(6) }] }] }] } },
  { key: 'under', person: { personas: [{ accounts: [{ externalId: 'twitter+user:9', names: [{ name: 'under_score', kind: 'handle', lastSeen: day(6) }] }] }] } },
  { key: 'quote', person: { personas: [{ accounts: [{ externalId: 'twitter+user:10', names: [{ name: 'Say "Hi" Now', kind: 'display', lastSeen: day(6) }] }] }] } },
  { key: 'near', person: { personas: [{ accounts: [{ externalId: 'twitter+user:11', names: [{ name: 'NEAR AND OR', kind: 'display', lastSeen: day(6) }] }] }] } },
  { key: 'caret', person: { personas: [{ accounts: [{ externalId: 'twitter+user:12', names: [{ name: 'a-b^c*d', kind: 'display', lastSeen: day(6) }] }] }] } },
  { key: 'slash', person: { personas: [{ accounts: [{ externalId: 'twitter+user:13', names: [{ name: 'back\\slash', kind: 'display', lastSeen: day(6) }] }] }] } },
  {
    key: 'partner',
    person: {
      human: { rel: 'participates' },
      personas: [
        { accounts: [{ externalId: 'twitter+user:15', names: [{ name: 'Quentin Partner', kind: 'display', lastSeen: day(7) }] }] },
        { accounts: [{ externalId: 'github+user:qpartner', names: [{ name: 'quentinp', kind: 'handle', lastSeen: day(8) }] }] },
      ],
    },
  },
  { key: 'suspect', person: { human: { rel: 'suspected' }, personas: [{ accounts: [{ externalId: 'twitter+user:16', names: [{ name: 'Ursula Suspect', kind: 'display', lastSeen: day(7) }] }] }] } },
  { key: 'colon', person: { personas: [{ accounts: [{ externalId: 'twitter+user:14', names: [{ name: "fold:o'hara", kind: 'display', lastSeen: day(6) }] }] }] } },
];
