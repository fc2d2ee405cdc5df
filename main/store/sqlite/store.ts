// SqliteStore: the Store port over a SQLite file. Writes go to the writer thread (the only write
// connection); reads run synchronously on this thread's own read-only connection, which in WAL
// mode sees every committed transaction. The writer migrates the file before the reader opens.

import type { ApplyResult, Observation, PersonaRel } from '../../model/observations.js';
import type { PersonDto } from '../../../shared/people.js';
import { acceptBatch } from '../accept-batch.js';
import type { SuggestionDto, SuggestionState } from '../../../shared/suggestions.js';
import { StoreError, type LinkRecord, type MergeRecord, type Store, type StoreCounts, type SuggestionSighting } from '../port.js';
import { readSuggestions } from './suggestions.js';
import { openSqlite, type SqliteDb } from './open.js';
import { SqliteReads } from './reads.js';
import { translateSqliteError } from './writer.js';
import { WriterClient } from './writer-client.js';
import { packBatch } from './writer-batch.js';
import { SLOW_CALL_MS } from './writer-protocol.js';

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  private readonly reads: SqliteReads;

  private constructor(
    readonly path: string,
    /** The writer thread; other modules call their registered writer methods through it. */
    readonly writer: WriterClient,
    /** This thread's read-only connection (for the lookup engine). Never write through it. */
    readonly readDb: SqliteDb,
  ) {
    this.reads = new SqliteReads(readDb);
  }

  /**
   * A store over a writer that lives elsewhere: a topology worker thread reaches the one writer
   * thread of its process through a relay (main/topology/writer-relay.ts). Reads use a read-only
   * connection of this thread. close() closes the read connection and the relay, not the writer.
   */
  static withWriter(path: string, writer: Pick<WriterClient, 'call' | 'close'>): SqliteStore {
    return new SqliteStore(path, writer as WriterClient, openSqlite(path, { readonly: true }));
  }

  static async open(path: string): Promise<SqliteStore> {
    if (path === ':memory:' || path === '') throw new StoreError('SqliteStore needs a file: an in-memory database cannot be shared between threads', 'invalid');
    const writer = await WriterClient.start(path);
    try {
      return new SqliteStore(path, writer, openSqlite(path, { readonly: true }));
    } catch (e) {
      await writer.close();
      throw e;
    }
  }

  /** Run a read on this thread's connection; slow ones are logged like the writer's. */
  private read<T>(method: string, fn: () => T): Promise<T> {
    const t0 = performance.now();
    try {
      return Promise.resolve(fn());
    } catch (e) {
      return Promise.reject(translateSqliteError(e, this.path));
    } finally {
      const ms = performance.now() - t0;
      const debug = process.env.SKRODE_DEBUG_SQL;
      if (debug && (debug === 'all' || ms > SLOW_CALL_MS)) process.stderr.write(`[skrode sql] read ${method} took ${ms.toFixed(1)} ms\n`);
    }
  }

  apply(batch: readonly Observation[]): Promise<ApplyResult> {
    return this.sendBatch('apply', batch);
  }

  applyBulk(batch: readonly Observation[]): Promise<ApplyResult> {
    return this.sendBatch('applyBulk', batch);
  }

  /** Validated here, on the caller's thread, so the writer spends its time on SQL. */
  private async sendBatch(method: 'apply' | 'applyBulk', batch: readonly Observation[]): Promise<ApplyResult> {
    const serialised = new Map<unknown, string>();
    const valid = acceptBatch(batch, serialised);
    return this.writer.call<ApplyResult>(method, packBatch(valid, serialised));
  }

  commitBulk(): Promise<void> {
    return this.writer.call('commitBulk');
  }

  mergePersonas(winner: string, loser: string, reason?: string): Promise<MergeRecord> {
    return this.writer.call('mergePersonas', winner, loser, reason);
  }
  splitMerge(mergeId: string): Promise<void> {
    return this.writer.call('splitMerge', mergeId);
  }
  linkPersona(human: string | null, persona: string, rel: PersonaRel): Promise<LinkRecord> {
    return this.writer.call('linkPersona', human, persona, rel);
  }
  unlinkPersona(human: string, persona: string): Promise<void> {
    return this.writer.call('unlinkPersona', human, persona);
  }
  addPersonaName(persona: string, name: string): Promise<void> {
    return this.writer.call('addPersonaName', persona, name);
  }
  markNotSame(a: string, b: string): Promise<void> {
    return this.writer.call('markNotSame', a, b);
  }
  setNote(target: { human?: string; persona?: string }, text: string, noteId?: number): Promise<number> {
    return this.writer.call('setNote', target, text, noteId);
  }
  deleteNote(noteId: number): Promise<void> {
    return this.writer.call('deleteNote', noteId);
  }
  setCursor(source: string, key: string, value: string): Promise<void> {
    return this.writer.call('setCursor', source, key, value);
  }

  person(id: string): Promise<PersonDto | null> {
    return this.read('person', () => this.reads.person(id));
  }
  personaOf(externalId: string): Promise<string | null> {
    return this.read('personaOf', () => this.reads.personaOf(externalId));
  }
  counts(): Promise<StoreCounts> {
    return this.read('counts', () => this.reads.counts());
  }
  mergeLog(): ReturnType<Store['mergeLog']> {
    return this.read('mergeLog', () => this.reads.mergeLog());
  }
  getCursor(source: string, key: string): Promise<string | null> {
    return this.read('getCursor', () => this.reads.getCursor(source, key));
  }

  recordSuggestions(sightings: readonly SuggestionSighting[]): Promise<void> {
    return this.writer.call('suggestions.record', sightings);
  }
  suggestions(opts: { state?: SuggestionState; address?: string; limit?: number } = {}): Promise<SuggestionDto[]> {
    return this.read('suggestions', () => readSuggestions(this.readDb, opts));
  }
  setSuggestionState(address: string, state: Exclude<SuggestionState, 'pending'>): Promise<void> {
    return this.writer.call('suggestions.setState', address, state);
  }

  async close(): Promise<void> {
    if (this.readDb.open) this.readDb.close();
    await this.writer.close();
  }
}

export function openSqliteStore(path: string): Promise<SqliteStore> {
  return SqliteStore.open(path);
}
