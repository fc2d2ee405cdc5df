// PostgresStore: the Store port over a pg.Pool, for multi-host Skrode. Same semantics as the
// SQLite adapter (docs/observations.md is the contract; both run main/store/contract.ts).
// Every write is one transaction on one checked-out client (see tx.ts); reads that need a
// consistent view use a read-only repeatable-read transaction.

import type pg from 'pg';
import type { ApplyResult, Observation, PersonaRel } from '../../model/observations.js';
import { emptyApplyResult } from '../../model/observations.js';
import { LIMITS } from '../../model/validate.js';
import type { PersonDto } from '../../../shared/people.js';
import { acceptBatch } from '../accept-batch.js';
import type { SuggestionDto, SuggestionState } from '../../../shared/suggestions.js';
import { StoreError, type LinkRecord, type MergeRecord, type Store, type StoreCounts, type SuggestionSighting } from '../port.js';
import { readSuggestions, recordSuggestions, setSuggestionState } from './suggestions.js';
import { applyBatch } from './apply.js';
import * as identity from './identity.js';
import { readPerson } from './person.js';
import { isoOf, isUuid, pgText } from './sql-values.js';
import { withTransaction } from './tx.js';
import { COUNTS_SQL, countsFromRow } from '../counts-sql.js';

export interface PostgresStoreOptions {
  /** Retries of a whole transaction after a deadlock or serialization failure. */
  retries?: number;
}

export class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  /** Services known to exist: most batches then skip the services upsert. */
  private readonly knownServices = new Set<string>();
  private closed = false;
  /** Transactions re-run after a deadlock or serialization failure (for status and tests). */
  retried = 0;
  /** Times a batch lost a race for a new post to another writer and planned its posts again. */
  postRaces = 0;
  /** Pooled connections found dead (server restarted, backend killed) and replaced. */
  deadConnections = 0;

  constructor(
    /** The pool, for other Postgres readers of the same database (the lookup engine). */
    readonly pool: pg.Pool,
    private readonly options: PostgresStoreOptions = {},
  ) {}

  private tx<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('the Postgres store is closed', 'invalid'));
    return withTransaction(this.pool, fn, {
      retries: this.options.retries ?? 5,
      onRetry: (err) => {
        this.retried++;
        if (process.env.SKRODE_DEBUG_PG) process.stderr.write(`postgres: retrying a transaction after ${(err as Error).message} ${(err as { detail?: string }).detail ?? ""} ${(err as { where?: string }).where ?? ""}\n`);
      },
      onDeadClient: () => {
        this.deadConnections++;
      },
    });
  }

  /** Reads run in a read-only repeatable-read transaction: one consistent view, even across queries. */
  private read<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreError('the Postgres store is closed', 'invalid'));
    return withTransaction(this.pool, fn, {
      begin: 'begin isolation level repeatable read read only',
      retries: 0,
      onDeadClient: () => {
        this.deadConnections++;
      },
    });
  }

  async apply(batch: readonly Observation[]): Promise<ApplyResult> {
    const valid = acceptBatch(batch);
    if (!valid.length) return emptyApplyResult();
    const outcome = await this.tx((client) => applyBatch(
        {
          client,
          now: Date.now(),
          knownServices: this.knownServices,
          mergeSeq: 0,
          onRace: () => {
            this.postRaces++;
          },
        },
        valid,
      ),);
    for (const s of outcome.newServices) this.knownServices.add(s);
    return outcome.result;
  }

  /** Each batch is its own transaction here: Postgres has no single writer to share one. */
  applyBulk(batch: readonly Observation[]): Promise<ApplyResult> {
    return this.apply(batch);
  }

  async commitBulk(): Promise<void> {}

  mergePersonas(winner: string, loser: string, reason?: string): Promise<MergeRecord> {
    return this.tx(async (client) => {
      await identity.lockIdentity(client);
      return identity.mergeInto(client, winner, loser, 'merge', reason ?? null, new Date());
    });
  }

  splitMerge(mergeId: string): Promise<void> {
    return this.tx((client) => identity.splitMerge(client, mergeId, new Date()));
  }

  linkPersona(human: string | null, persona: string, rel: PersonaRel): Promise<LinkRecord> {
    return this.tx((client) => identity.linkPersona(client, human, persona, rel, new Date()));
  }

  unlinkPersona(human: string, persona: string): Promise<void> {
    return this.tx((client) => identity.unlinkPersona(client, human, persona));
  }

  addPersonaName(persona: string, name: string): Promise<void> {
    if (typeof name !== 'string') return Promise.reject(new StoreError('a persona name must be a string', 'invalid'));
    return this.tx(async (client) => {
      await identity.lockIdentity(client);
      await this.ensureService(client, 'namesvc');
      await identity.addPersonaName(client, persona, name, new Date());
    });
  }

  markNotSame(a: string, b: string): Promise<void> {
    return this.tx((client) => identity.markNotSame(client, a, b, new Date()));
  }

  setNote(target: { human?: string; persona?: string }, text: string, noteId?: number): Promise<number> {
    if (typeof text !== 'string') return Promise.reject(new StoreError('a note is text', 'invalid'));
    if (Buffer.byteLength(text) > LIMITS.textBytes) return Promise.reject(new StoreError(`a note is at most ${LIMITS.textBytes} bytes`, 'invalid'));
    const clean = pgText(text);
    return this.tx(async (client) => {
      const now = new Date();
      if (noteId !== undefined) {
        if (!Number.isSafeInteger(noteId)) throw new StoreError(`bad note id ${String(noteId)}`, 'invalid');
        const r = await client.query('update notes set text = $2, updated_at = $3 where id = $1', [noteId, clean, now]);
        if (r.rowCount === 0) throw new StoreError(`no note ${noteId}`, 'not-found');
        return noteId;
      }
      const human = target?.human ?? null;
      const persona = target?.persona ?? null;
      if (human === null && persona === null) throw new StoreError('a note needs a human or a persona', 'invalid');
      for (const [id, table, what] of [[human, 'humans', 'human'], [persona, 'personas', 'persona']] as const) {
        if (id === null) continue;
        if (!isUuid(id) || !(await client.query(`select 1 from ${table} where id = $1`, [id])).rowCount) throw new StoreError(`no ${what} ${id}`, 'not-found');
      }
      const r = await client.query<{ id: string }>(
        'insert into notes (human, persona, text, created_at, updated_at) values ($1, $2, $3, $4, $4) returning id',
        [human, persona, clean, now],
      );
      return Number(r.rows[0]!.id);
    });
  }

  deleteNote(noteId: number): Promise<void> {
    return this.tx(async (client) => {
      if (!Number.isSafeInteger(noteId)) throw new StoreError(`bad note id ${String(noteId)}`, 'invalid');
      const r = await client.query('delete from notes where id = $1', [noteId]);
      if (r.rowCount === 0) throw new StoreError(`no note ${noteId}`, 'not-found');
    });
  }

  person(id: string): Promise<PersonDto | null> {
    return this.read((client) => readPerson(client, id));
  }

  personaOf(externalId: string): Promise<string | null> {
    return this.read(async (client) => {
      if (typeof externalId !== 'string') return null;
      const r = await client.query<{ persona: string }>('select persona from accounts where external_id = $1', [pgText(externalId)]);
      return r.rows[0]?.persona ?? null;
    });
  }

  counts(): Promise<StoreCounts> {
    return this.read(async (client) => {
      const r = await client.query<Record<string, string>>(COUNTS_SQL);
      return countsFromRow(r.rows[0]!);
    });
  }

  mergeLog(): Promise<{ id: string; op: string; winner: string; loser: string; at: string; undoneAt: string | null; reason: string | null }[]> {
    return this.read(async (client) => {
      const r = await client.query<{ id: string; op: string; winner: string; loser: string; at: Date; undone_at: Date | null; reason: string | null }>(
        "select id, op, winner, loser, at, undone_at, reason from merge_log order by at, (detail->>'seq')::int, id",
      );
      return r.rows.map((m) => ({ id: m.id, op: m.op, winner: m.winner, loser: m.loser, at: isoOf(m.at)!, undoneAt: isoOf(m.undone_at), reason: m.reason }));
    });
  }

  getCursor(source: string, key: string): Promise<string | null> {
    return this.read(async (client) => {
      const r = await client.query<{ value: string }>('select value from ingest_cursors where source = $1 and key = $2', [pgText(String(source)), pgText(String(key))]);
      return r.rows[0]?.value ?? null;
    });
  }

  setCursor(source: string, key: string, value: string): Promise<void> {
    if (typeof source !== 'string' || typeof key !== 'string' || typeof value !== 'string') {
      return Promise.reject(new StoreError('cursor source, key and value must be strings', 'invalid'));
    }
    return this.tx(async (client) => {
      await client.query(
        `insert into ingest_cursors (source, key, value, updated_at) values ($1, $2, $3, $4)
         on conflict (source, key) do update set value = excluded.value, updated_at = excluded.updated_at`,
        [pgText(source), pgText(key), pgText(value), new Date()],
      );
    });
  }

  recordSuggestions(sightings: readonly SuggestionSighting[]): Promise<void> {
    if (!Array.isArray(sightings) || sightings.length === 0) return Promise.resolve();
    return this.tx((client) => recordSuggestions(client, sightings));
  }
  suggestions(opts: { state?: SuggestionState; address?: string; limit?: number } = {}): Promise<SuggestionDto[]> {
    return this.read((client) => readSuggestions(client, opts));
  }
  setSuggestionState(address: string, state: Exclude<SuggestionState, 'pending'>): Promise<void> {
    return this.tx((client) => setSuggestionState(client, address, state));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async ensureService(client: pg.PoolClient, service: string): Promise<void> {
    if (this.knownServices.has(service)) return;
    await client.query("insert into services (id, pretty_name, kind) values ($1, $1, 'social') on conflict do nothing", [service]);
  }
}
