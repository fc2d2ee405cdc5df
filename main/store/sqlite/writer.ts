// The SQLite writer: the only code that changes a Skrode SQLite database. It runs inside the
// writer worker thread (writer.worker.ts) over the one write connection, and in-process in
// benchmarks and tests. Everything here is synchronous on purpose: each public call is ONE
// better-sqlite3 transaction (an async callback would run outside it, see STYLE.md §11.1).
//
// The semantics are docs/observations.md. Accounts and posts are found only by external id;
// small LRU caches map external ids to row ids (rows are never renumbered; the caches are
// dropped whenever a transaction rolls back, since ids handed out inside it are then void).
// The FTS5 tables are external-content tables written here, in the same transaction: a row is
// added with its rowid, and before a row's text changes or goes, FTS5's 'delete' command is
// issued with the OLD text (that is how external-content FTS finds the tokens to remove). Every
// base row has an FTS row, even a stub with no text: FTS5's integrity-check counts rows.

import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { fold } from '../../model/fold.js';
import { personaNamesAccount } from '../../model/external-id.js';
import {
  emptyApplyResult,
  type AccountSeen,
  type ApplyResult,
  type EvidenceSeen,
  type IdentitySeen,
  type InteractionSeen,
  type ListSeen,
  type NoteSeen,
  type Observation,
  type PersonaRel,
  type PostSeen,
  type RelationshipSeen,
  type TombstoneSeen,
  PERSONA_RELS,
} from '../../model/observations.js';
import { serviceInfo } from '../../model/services.js';
import { uuidV7 } from '../../util/uuid-v7.js';
import { instantToMs, LIMITS, validateBatch, ValidationError } from '../../model/validate.js';
import { StoreError, type LinkRecord, type MergeRecord } from '../port.js';
import { Lru } from './lru.js';
import { rawJsonOf } from './writer-batch.js';

type Db = Database.Database;
type Stmt = Database.Statement;

/** What a merge moved, kept in merge_log.detail so that split can put it back exactly. */
interface MergeDetail {
  loser: { createdAt: number; more: string | null };
  accounts: number[];
  control: { human: string; rel: string; createdAt: number; inserted: boolean }[];
  notes: number[];
  antiLinks: { other: string; createdAt: number; inserted: boolean }[];
}

// Row ids of recently seen accounts and posts (external id -> id). A miss costs one indexed lookup;
// 100k entries each keep the writer thread's heap near 20 MB on a million-tweet import (50k saved
// ~10 MB of RSS there and cost the writer ~15% more time).
const CACHE_SIZE = 100_000;

interface DeferredFts {
  posts: number[];
  postSet: Set<number>;
  names: number[];
}

/** Sorted runs of consecutive integers: [1,2,3,7,8] -> [[1,3],[7,8]]. */
export function idRuns(ids: number[]): [number, number][] {
  if (ids.length === 0) return [];
  const sorted = Float64Array.from(ids).sort();
  const runs: [number, number][] = [];
  let lo = sorted[0]!;
  let hi = lo;
  for (let i = 1; i < sorted.length; i++) {
    const v = sorted[i]!;
    if (v === hi + 1) hi = v;
    else if (v !== hi) {
      runs.push([lo, hi]);
      lo = hi = v;
    }
  }
  runs.push([lo, hi]);
  return runs;
}

export function isoOf(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();
}

/** SQLite says the file is damaged or not a database: a StoreError the UI can act on. */
export function translateSqliteError(e: unknown, path: string): unknown {
  const code = (e as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code.startsWith('SQLITE_NOTADB'))) {
    return new StoreError(`${path} is corrupt (${(e as Error).message}); stop Skrode and restore it from a backup`, 'corrupt');
  }
  return e;
}

function orderedPair(a: string, b: string): [string, string] {
  return a < b ? [a, b] : [b, a];
}

export class SqliteWriter {
  private readonly accountIds = new Lru<string, number>(CACHE_SIZE);
  private readonly postIds = new Lru<string, number>(CACHE_SIZE);
  private readonly listIds = new Lru<string, number>(10_000);
  private readonly services = new Set<string>();
  private readonly s: Record<string, Stmt>;
  private readonly applyTx: (batch: readonly Observation[]) => ApplyResult;
  private selfHuman: string | undefined;
  /** Inside apply: new rows whose FTS rows the batch adds in bulk before it commits. */
  private deferred: DeferredFts | undefined;

  constructor(
    readonly db: Db,
    /** The file, for error messages. */
    readonly path = db.name,
  ) {
    const p = (sql: string) => {
      try {
        return db.prepare(sql);
      } catch (e) {
        throw translateSqliteError(e, path);
      }
    };
    this.s = {
      serviceIns: p('insert or ignore into services (id, pretty_name, kind) values (?, ?, ?)'),
      personaIns: p('insert into personas (id, created_at, more) values (?, ?, ?)'),
      personaExists: p('select 1 from personas where id = ?'),
      personaRow: p('select created_at as createdAt, more from personas where id = ?'),
      personaDel: p('delete from personas where id = ?'),
      accountSel: p('select id from accounts where external_id = ?'),
      accountIns: p('insert into accounts (external_id, service, persona, source, first_seen, last_seen) values (?, ?, ?, ?, ?, ?)'),
      accountPersona: p('select persona from accounts where id = ?'),
      accountSeen: p(
        'update accounts set first_seen = min(coalesce(first_seen, @t), @t), last_seen = max(coalesce(last_seen, @t), @t) ' +
          'where id = @id and (first_seen is null or first_seen > @t or last_seen is null or last_seen < @t)',
      ),
      profileSel: p('select profile from accounts where id = ?'),
      profileUpd: p('update accounts set profile = ? where id = ?'),
      nameIns: p('insert into names (account, name, kind, fold, first_seen, last_seen) values (?, ?, ?, ?, ?, ?) on conflict (account, name, kind) do nothing'),
      nameSeen: p('update names set first_seen = min(first_seen, @t), last_seen = max(last_seen, @t) where account = @account and name = @name and kind = @kind and (first_seen > @t or last_seen < @t)'),
      namesFtsIns: p('insert into names_fts (rowid, fold) values (?, ?)'),
      namesTriIns: p('insert into names_tri (rowid, fold) values (?, ?)'),
      postIns: p(
        'insert into posts (external_id, service, poster, posted_at, text, url, raw, source, first_seen) values (?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (external_id) do nothing',
      ),
      postSelId: p('select id from posts where external_id = ?'),
      postRow: p('select id, poster, posted_at as postedAt, text, url, raw, tombstone from posts where external_id = ?'),
      postFill: p('update posts set poster = ?, posted_at = coalesce(?, posted_at), text = ?, url = coalesce(?, url), raw = coalesce(?, raw) where id = ?'),
      postFillTombstoned: p('update posts set poster = ?, posted_at = coalesce(?, posted_at), url = coalesce(?, url) where id = ? and poster is null'),
      postText: p('update posts set text = ? where id = ?'),
      postRaw: p('update posts set raw = ? where id = ?'),
      postWhenUrl: p('update posts set posted_at = coalesce(posted_at, ?), url = coalesce(url, ?) where id = ?'),
      postTombstone: p('update posts set tombstone = 1, text = null, raw = null where id = ?'),
      postsFtsIns: p('insert into posts_fts (rowid, text) values (?, ?)'),
      postsFtsInsRange: p('insert into posts_fts (rowid, text) select id, text from posts where id between ? and ?'),
      namesFtsInsRange: p('insert into names_fts (rowid, fold) select id, fold from names where id between ? and ?'),
      namesTriInsRange: p('insert into names_tri (rowid, fold) select id, fold from names where id between ? and ?'),
      postsFtsDel: p("insert into posts_fts (posts_fts, rowid, text) values ('delete', ?, ?)"),
      refIns: p('insert into post_relationships (from_post, to_post, rel) values (?, ?, ?) on conflict do nothing'),
      refsDelFrom: p('delete from post_relationships where from_post = ?'),
      distIns: p('insert into post_distribution (post, rel, target, recipient, list) values (?, ?, ?, ?, ?) on conflict do nothing'),
      distDel: p('delete from post_distribution where post = ?'),
      linkIns: p('insert into links (post, url) values (?, ?) on conflict do nothing'),
      edgeIns: p('insert into account_relationships (from_account, to_account, kind, first_seen, last_seen) values (@from, @to, @kind, @t, @t) on conflict do nothing'),
      edgeSeen: p(
        'update account_relationships set first_seen = min(coalesce(first_seen, @t), @t), last_seen = max(coalesce(last_seen, @t), @t) where from_account = @from and to_account = @to and kind = @kind',
      ),
      interactionIns: p('insert into post_interactions (account, post, kind, at) values (?, ?, ?, ?) on conflict do nothing'),
      evidenceIns: p('insert into evidence (account_a, account_b, kind, proof, confidence, source, first_seen) values (?, ?, ?, ?, ?, ?, ?) on conflict do nothing'),
      listIns: p('insert into lists (external_id, service, owner, name) values (?, ?, ?, ?) on conflict (external_id) do nothing'),
      listSel: p('select id from lists where external_id = ?'),
      listUpd: p('update lists set name = coalesce(?, name), owner = coalesce(?, owner) where id = ? and (name is not coalesce(?, name) or owner is not coalesce(?, owner))'),
      memberIns: p('insert into list_membership (list, account, first_seen) values (?, ?, ?) on conflict do nothing'),
      noteUpsertByKey: p(
        'insert into notes (persona, text, source_key, created_at, updated_at) values (@persona, @text, @key, @t, @t) ' +
          'on conflict (source_key) do update set text = excluded.text, updated_at = excluded.updated_at where notes.text is not excluded.text',
      ),
      noteByKey: p('select id from notes where source_key = ?'),
      noteIns: p('insert into notes (human, persona, text, created_at, updated_at) values (?, ?, ?, ?, ?)'),
      noteUpd: p('update notes set text = ?, updated_at = ? where id = ?'),
      noteDel: p('delete from notes where id = ?'),
      humanIns: p('insert into humans (id, is_self, created_at) values (?, ?, ?)'),
      humanExists: p('select 1 from humans where id = ?'),
      selfHumanSel: p('select id from humans where is_self = 1 order by created_at limit 1'),
      controlUpsert: p('insert into persona_control (human, persona, rel, created_at) values (?, ?, ?, ?) on conflict (human, persona) do update set rel = excluded.rel'),
      controlDel: p('delete from persona_control where human = ? and persona = ?'),
      antiIns: p('insert into anti_links (persona_a, persona_b, created_at) values (?, ?, ?) on conflict do nothing'),
      antiSel: p('select 1 from anti_links where persona_a = ? and persona_b = ?'),
      antiDel: p('delete from anti_links where persona_a = ? and persona_b = ?'),
      // merge / split
      mAccounts: p('select id from accounts where persona = ?'),
      mAccountsMove: p('update accounts set persona = ? where persona = ?'),
      mControl: p('select human, rel, created_at as createdAt from persona_control where persona = ?'),
      mControlIns: p('insert into persona_control (human, persona, rel, created_at) values (?, ?, ?, ?) on conflict do nothing'),
      mControlDelAll: p('delete from persona_control where persona = ?'),
      mNotes: p('select id from notes where persona = ?'),
      mNotesMove: p('update notes set persona = ? where persona = ?'),
      mAnti: p('select persona_a as a, persona_b as b, created_at as createdAt from anti_links where persona_a = @p or persona_b = @p'),
      mAntiDelAll: p('delete from anti_links where persona_a = @p or persona_b = @p'),
      mLogIns: p('insert into merge_log (id, op, winner, loser, reason, detail, at) values (?, ?, ?, ?, ?, ?, ?)'),
      mLogSel: p('select id, op, winner, loser, detail, undone_at as undoneAt from merge_log where id = ?'),
      mLogByLoser: p('select winner from merge_log where loser = ? and undone_at is null order by at desc limit 1'),
      mLogUndo: p('update merge_log set undone_at = ? where id = ?'),
      sAccountBack: p('update accounts set persona = ? where id = ?'),
      sNoteBack: p('update notes set persona = ? where id = ?'),
      sControlRestore: p('insert into persona_control (human, persona, rel, created_at) select @human, @persona, @rel, @t where exists (select 1 from humans where id = @human) on conflict do nothing'),
      cursorSet: p(
        'insert into ingest_cursors (source, key, value, updated_at) values (?, ?, ?, ?) on conflict (source, key) do update set value = excluded.value, updated_at = excluded.updated_at',
      ),
    };
    try {
      for (const row of db.prepare('select id from services').all() as { id: string }[]) this.services.add(row.id);
    } catch (e) {
      throw translateSqliteError(e, path);
    }
    this.applyTx = db.transaction((batch: readonly Observation[]) => this.applyAll(batch));
  }

  // ---------------------------------------------------------------- public API (one tx each)

  /** Validate, then apply a batch in one transaction; an invalid batch changes nothing. */
  apply(batch: unknown): ApplyResult {
    let valid: Observation[];
    try {
      valid = validateBatch(batch);
    } catch (e) {
      if (e instanceof ValidationError) throw new StoreError(`batch rejected, nothing applied: ${e.message}`, 'invalid');
      throw e;
    }
    return this.applyValidated(valid);
  }

  /** Apply a batch that validateBatch already accepted (the store validates on the caller's thread). */
  applyValidated(batch: readonly Observation[]): ApplyResult {
    return this.guard(() => this.applyTx(batch));
  }

  mergePersonas(winner: string, loser: string, reason?: string): MergeRecord {
    return this.tx(() => this.merge(winner, loser, 'merge', reason ?? null, Date.now()));
  }

  splitMerge(mergeId: string): void {
    this.tx(() => this.split(mergeId, Date.now()));
  }

  linkPersona(human: string | null, persona: string, rel: PersonaRel): LinkRecord {
    if (!(PERSONA_RELS as readonly string[]).includes(rel)) throw new StoreError(`rel must be one of ${PERSONA_RELS.join('|')}, got ${JSON.stringify(rel)}`, 'invalid');
    return this.tx(() => {
      const now = Date.now();
      this.requirePersona(persona);
      let h = human;
      if (h === null) {
        h = uuidV7();
        this.s.humanIns!.run(h, 0, now);
      } else if (!this.s.humanExists!.get(h)) throw new StoreError(`no human ${h}`, 'not-found');
      this.s.controlUpsert!.run(h, persona, rel, now);
      return { human: h, persona, rel };
    });
  }

  unlinkPersona(human: string, persona: string): void {
    this.tx(() => {
      if (this.s.controlDel!.run(human, persona).changes === 0) throw new StoreError(`persona ${persona} is not linked to human ${human}`, 'not-found');
    });
  }

  /** A name for the persona itself, on its pseudo-account `namesvc+user:<persona>`. */
  addPersonaName(persona: string, name: string): void {
    const trimmed = typeof name === 'string' ? name.trim() : '';
    if (trimmed.length === 0) throw new StoreError('a persona name must not be empty', 'invalid');
    if (trimmed.length > LIMITS.nameChars) throw new StoreError(`a persona name is at most ${LIMITS.nameChars} characters`, 'invalid');
    this.tx(() => {
      const now = Date.now();
      this.requirePersona(persona);
      const ext = personaNamesAccount(persona);
      let id = this.lookupAccount(ext);
      if (id === undefined) id = this.createAccount(ext, persona, 'user', now);
      this.upsertName(id, trimmed, 'display', now);
    });
  }

  markNotSame(a: string, b: string): void {
    if (a === b) throw new StoreError('a persona is always the same person as itself', 'invalid');
    this.tx(() => {
      this.requirePersona(a);
      this.requirePersona(b);
      const [x, y] = orderedPair(a, b);
      this.s.antiIns!.run(x, y, Date.now());
    });
  }

  setNote(target: { human?: string; persona?: string }, text: string, noteId?: number): number {
    if (typeof text !== 'string') throw new StoreError('a note is text', 'invalid');
    if (Buffer.byteLength(text) > LIMITS.textBytes) throw new StoreError(`a note is at most ${LIMITS.textBytes} bytes`, 'invalid');
    return this.tx(() => {
      const now = Date.now();
      if (noteId !== undefined) {
        if (this.s.noteUpd!.run(text, now, noteId).changes === 0) throw new StoreError(`no note ${noteId}`, 'not-found');
        return noteId;
      }
      const human = target.human ?? null;
      const persona = target.persona ?? null;
      if (human === null && persona === null) throw new StoreError('a note needs a human or a persona', 'invalid');
      if (human !== null && !this.s.humanExists!.get(human)) throw new StoreError(`no human ${human}`, 'not-found');
      if (persona !== null) this.requirePersona(persona);
      return Number(this.s.noteIns!.run(human, persona, text, now, now).lastInsertRowid);
    });
  }

  deleteNote(noteId: number): void {
    this.tx(() => {
      if (this.s.noteDel!.run(noteId).changes === 0) throw new StoreError(`no note ${noteId}`, 'not-found');
    });
  }

  setCursor(source: string, key: string, value: string): void {
    for (const [n, v] of [['source', source], ['key', key], ['value', value]] as const) {
      if (typeof v !== 'string') throw new StoreError(`cursor ${n} must be a string`, 'invalid');
    }
    this.guard(() => this.s.cursorSet!.run(source, key, value, Date.now()));
  }

  /** Forget cached row ids (after another module deleted accounts or posts directly). */
  clearCaches(): void {
    this.accountIds.clear();
    this.postIds.clear();
    this.listIds.clear();
    this.selfHuman = undefined;
  }

  // ---------------------------------------------------------------- transaction plumbing

  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      // Ids cached inside a rolled-back transaction point at rows that no longer exist.
      this.clearCaches();
      throw translateSqliteError(e, this.path);
    }
  }

  private tx<T>(fn: () => T): T {
    return this.guard(() => this.db.transaction(fn)());
  }

  // ---------------------------------------------------------------- apply

  private applyAll(batch: readonly Observation[]): ApplyResult {
    const res = emptyApplyResult();
    const now = Date.now();
    const deferred: DeferredFts = { posts: [], postSet: new Set(), names: [] };
    this.deferred = deferred;
    try {
      this.applyEach(batch, now, res);
      this.flushDeferredFts(deferred);
    } finally {
      this.deferred = undefined;
    }
    return res;
  }

  private applyEach(batch: readonly Observation[], now: number, res: ApplyResult): void {
    for (const o of batch) {
      switch (o.type) {
        case 'account':
          this.applyAccount(o, now, res);
          break;
        case 'post':
          this.applyPost(o, now, res);
          break;
        case 'relationship':
          this.applyRelationship(o, now, res);
          break;
        case 'interaction':
          this.applyInteraction(o, now, res);
          break;
        case 'tombstone':
          this.applyTombstone(o, now, res);
          break;
        case 'evidence':
          this.applyEvidence(o, now, res);
          break;
        case 'identity':
          this.applyIdentity(o, now, res);
          break;
        case 'list':
          this.applyList(o, now, res);
          break;
        case 'note':
          this.applyNote(o, now, res);
          break;
      }
    }
  }

  private ensureService(service: string): void {
    if (this.services.has(service)) return;
    const info = serviceInfo(service);
    this.s.serviceIns!.run(service, info.pretty, info.kind);
    this.services.add(service);
  }

  private lookupAccount(ext: string): number | undefined {
    let id = this.accountIds.get(ext);
    if (id === undefined) {
      const row = this.s.accountSel!.get(ext) as { id: number } | undefined;
      if (row) {
        id = row.id;
        this.accountIds.set(ext, id);
      }
    }
    return id;
  }

  private createAccount(ext: string, persona: string | null, source: string | null, now: number, seen: number | null = null, res?: ApplyResult): number {
    const service = this.serviceOf(ext);
    let p = persona;
    if (p === null) {
      p = uuidV7();
      this.s.personaIns!.run(p, now, null);
    }
    const id = Number(this.s.accountIns!.run(ext, service, p, source, seen, seen).lastInsertRowid);
    this.accountIds.set(ext, id);
    if (res) res.accounts++;
    return id;
  }

  /** The account's row id, creating it (in a new persona of its own) when unknown. */
  private account(ext: string, source: string, now: number, res: ApplyResult): number {
    return this.lookupAccount(ext) ?? this.createAccount(ext, null, source, now, null, res);
  }

  /**
   * Record a name seen on an account. An account created in this call has no names yet, so its
   * names are inserted straight away; on a known account the name is most often known too (a
   * later sighting of a handle), so its seen-range is widened first and only a name the update
   * did not find (or did not need to widen) is offered to the insert: one statement where the
   * insert-then-update order took two (bench import-x-archive: ~450k names at 1M tweets).
   */
  private upsertName(account: number, name: string, kind: string, seen: number, res?: ApplyResult, newAccount = false): void {
    if (!newAccount && this.s.nameSeen!.run({ t: seen, account, name, kind }).changes > 0) return;
    const f = fold(name);
    const r = this.s.nameIns!.run(account, name, kind, f, seen, seen);
    if (r.changes > 0) {
      const id = r.lastInsertRowid;
      if (this.deferred) this.deferred.names.push(Number(id));
      else {
        this.s.namesFtsIns!.run(id, f);
        this.s.namesTriIns!.run(id, f);
      }
      if (res) res.names++;
    } else if (newAccount) {
      this.s.nameSeen!.run({ t: seen, account, name, kind });
    }
  }

  private applyAccount(o: AccountSeen, now: number, res: ApplyResult): void {
    const seen = o.seenAt ? instantToMs(o.seenAt) : now;
    let id = this.lookupAccount(o.externalId);
    const created = id === undefined;
    if (id === undefined) id = this.createAccount(o.externalId, null, o.provenance.source, now, seen, res);
    else this.s.accountSeen!.run({ t: seen, id });
    if (o.profile && Object.keys(o.profile).length > 0) {
      const row = this.s.profileSel!.get(id) as { profile: string | null };
      const before = row.profile ?? '{}';
      let stored: Record<string, unknown> = {};
      try {
        const parsed: unknown = JSON.parse(before);
        if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) stored = parsed as Record<string, unknown>;
      } catch {
        // A damaged profile is replaced rather than blocking every later sighting of the account.
      }
      const merged = JSON.stringify({ ...stored, ...o.profile });
      if (merged !== before) this.s.profileUpd!.run(merged, id);
    }
    if (o.names) {
      const twitter = o.externalId.startsWith('twitter+');
      for (const n of o.names) {
        let name = n.name.trim();
        if (name.length === 0) continue;
        // Twitter handles keep their @ (the original's convention), whichever way the source wrote them.
        if (twitter && n.kind === 'handle' && !name.startsWith('@')) name = `@${name}`;
        this.upsertName(id, name, n.kind, seen, res, created);
      }
    }
  }

  /** A post's row id; an unknown post becomes a stub (known only by reference). */
  private postOrStub(ext: string, source: string, now: number, res: ApplyResult): number {
    let id = this.postIds.get(ext);
    if (id !== undefined) return id;
    const r = this.s.postIns!.run(ext, this.serviceOf(ext), null, null, null, null, null, source, now);
    if (r.changes > 0) {
      id = Number(r.lastInsertRowid);
      this.indexPost(id, null);
      res.stubs++;
    } else id = (this.s.postSelId!.get(ext) as { id: number }).id;
    this.postIds.set(ext, id);
    return id;
  }

  /** The service of an external id that validation already accepted (so no second parse). */
  private serviceOf(ext: string): string {
    const service = ext.slice(0, ext.indexOf('+'));
    this.ensureService(service);
    return service;
  }

  private listId(ext: string): number {
    let id = this.listIds.get(ext);
    if (id !== undefined) return id;
    const r = this.s.listIns!.run(ext, this.serviceOf(ext), null, null);
    id = r.changes > 0 ? Number(r.lastInsertRowid) : (this.s.listSel!.get(ext) as { id: number }).id;
    this.listIds.set(ext, id);
    return id;
  }

  private applyPost(o: PostSeen, now: number, res: ApplyResult): void {
    const source = o.provenance.source;
    const seen = o.seenAt ? instantToMs(o.seenAt) : now;
    const poster = o.poster !== undefined ? this.account(o.poster, source, now, res) : null;
    const text = o.text ?? null;
    const when = o.when !== undefined ? instantToMs(o.when) : null;
    const url = o.url ?? null;
    const raw = rawJsonOf(o);

    let id = this.postIds.get(o.externalId);
    if (id === undefined) {
      const r = this.s.postIns!.run(o.externalId, this.serviceOf(o.externalId), poster, when, text, url, raw, source, seen);
      if (r.changes > 0) {
        id = Number(r.lastInsertRowid);
        this.postIds.set(o.externalId, id);
        this.indexPost(id, text);
        if (poster !== null) res.posts++;
        else res.stubs++;
        this.recordPostEdges(id, o, now, res);
        return;
      }
    }
    const row = this.s.postRow!.get(o.externalId) as { id: number; poster: number | null; postedAt: number | null; text: string | null; url: string | null; raw: string | null; tombstone: number };
    id = row.id;
    this.postIds.set(o.externalId, id);
    if (row.tombstone) {
      // A deleted post never gets its content back; learning who posted it is harmless.
      if (poster !== null && row.poster === null) this.s.postFillTombstoned!.run(poster, when, url, id);
      return;
    }
    if (row.poster === null && poster !== null) {
      // A stub filled in: it becomes a full post, refs and all.
      const newText = text ?? row.text;
      if (newText !== row.text) this.replacePostText(id, row.text, newText);
      this.s.postFill!.run(poster, when, newText, url, raw, id);
      res.posts++;
    } else {
      if (text !== null && text !== row.text) {
        this.s.postText!.run(text, id);
        this.replacePostText(id, row.text, text);
      }
      if (raw !== null && raw !== row.raw) this.s.postRaw!.run(raw, id);
      if ((when !== null && row.postedAt === null) || (url !== null && row.url === null)) this.s.postWhenUrl!.run(when, url, id);
    }
    this.recordPostEdges(id, o, now, res);
  }

  /** Give a new post its posts_fts row, now or (inside apply) with the batch's bulk insert. */
  private indexPost(id: number, text: string | null): void {
    if (this.deferred) {
      this.deferred.posts.push(id);
      this.deferred.postSet.add(id);
    } else this.s.postsFtsIns!.run(id, text);
  }

  /**
   * Index the batch's new posts and names from their rows, one INSERT ... SELECT per run of
   * consecutive row ids: far fewer statements than a row each, still inside the batch's
   * transaction (so FTS never disagrees with a committed row). A run holds only ids this batch
   * inserted, because every integer between its ends is one of them.
   */
  private flushDeferredFts(d: DeferredFts): void {
    for (const [lo, hi] of idRuns(d.posts)) this.s.postsFtsInsRange!.run(lo, hi);
    for (const [lo, hi] of idRuns(d.names)) {
      this.s.namesFtsInsRange!.run(lo, hi);
      this.s.namesTriInsRange!.run(lo, hi);
    }
  }

  /** Keep posts_fts in step with a post's text: out with the old tokens, in with the new. */
  private replacePostText(id: number, before: string | null, after: string | null): void {
    // Not indexed yet: the batch's closing bulk insert will read the text the row ends with.
    if (this.deferred?.postSet.has(id)) return;
    this.s.postsFtsDel!.run(id, before);
    this.s.postsFtsIns!.run(id, after);
  }

  private recordPostEdges(id: number, o: PostSeen, now: number, res: ApplyResult): void {
    const source = o.provenance.source;
    if (o.refs) {
      for (const ref of o.refs) {
        const to = this.postOrStub(ref.post, source, now, res);
        if (this.s.refIns!.run(id, to, ref.rel).changes > 0) res.edges++;
      }
    }
    if (o.distribution) {
      for (const d of o.distribution) {
        if (d.rel === 'broadcast' || d.target === undefined) this.s.distIns!.run(id, d.rel, '', null, null);
        else if (d.rel === 'list' || d.rel === 'channel') this.s.distIns!.run(id, d.rel, d.target, null, this.listId(d.target));
        else this.s.distIns!.run(id, d.rel, d.target, this.account(d.target, source, now, res), null);
      }
    }
    if (o.links) for (const l of o.links) this.s.linkIns!.run(id, l);
  }

  private applyRelationship(o: RelationshipSeen, now: number, res: ApplyResult): void {
    const from = this.account(o.from, o.provenance.source, now, res);
    const to = this.account(o.to, o.provenance.source, now, res);
    const when = o.when !== undefined ? instantToMs(o.when) : now;
    const edge = { from, to, kind: o.kind, t: when };
    if (this.s.edgeIns!.run(edge).changes > 0) res.edges++;
    else this.s.edgeSeen!.run(edge);
  }

  private applyInteraction(o: InteractionSeen, now: number, res: ApplyResult): void {
    const account = this.account(o.account, o.provenance.source, now, res);
    const post = this.postOrStub(o.post, o.provenance.source, now, res);
    const at = o.when !== undefined ? instantToMs(o.when) : now;
    if (this.s.interactionIns!.run(account, post, o.kind, at).changes > 0) res.interactions++;
  }

  private applyTombstone(o: TombstoneSeen, now: number, res: ApplyResult): void {
    const id = this.postOrStub(o.post, o.provenance.source, now, res);
    const row = this.s.postRow!.get(o.post) as { text: string | null; tombstone: number };
    if (row.tombstone) return;
    this.s.postTombstone!.run(id);
    this.replacePostText(id, row.text, null);
    this.s.refsDelFrom!.run(id);
    this.s.distDel!.run(id);
    res.tombstones++;
  }

  private applyEvidence(o: EvidenceSeen, now: number, res: ApplyResult): void {
    const [a, b] = orderedPair(o.a, o.b);
    const ia = this.account(a, o.provenance.source, now, res);
    const ib = this.account(b, o.provenance.source, now, res);
    if (this.s.evidenceIns!.run(ia, ib, o.kind, o.proof ?? '', o.confidence, o.provenance.source, now).changes > 0) res.evidence++;
  }

  private personaOfAccount(id: number): string {
    return (this.s.accountPersona!.get(id) as { persona: string }).persona;
  }

  private antiLinked(a: string, b: string): boolean {
    const [x, y] = orderedPair(a, b);
    return this.s.antiSel!.get(x, y) !== undefined;
  }

  private applyIdentity(o: IdentitySeen, now: number, res: ApplyResult): void {
    const ids = o.accounts.map((ext) => this.account(ext, o.provenance.source, now, res));
    const target = this.personaOfAccount(ids[0]!);
    for (const id of ids.slice(1)) {
      const p = this.personaOfAccount(id);
      if (p === target || this.antiLinked(target, p)) continue;
      this.merge(target, p, 'identity', `identity from ${o.provenance.source}`, now);
      res.merges++;
    }
    if (o.self) this.s.controlUpsert!.run(this.ensureSelfHuman(now), target, 'owns', now);
  }

  private ensureSelfHuman(now: number): string {
    if (this.selfHuman && this.s.humanExists!.get(this.selfHuman)) return this.selfHuman;
    const row = this.s.selfHumanSel!.get() as { id: string } | undefined;
    if (row) return (this.selfHuman = row.id);
    const id = uuidV7();
    this.s.humanIns!.run(id, 1, now);
    return (this.selfHuman = id);
  }

  private applyList(o: ListSeen, now: number, res: ApplyResult): void {
    const id = this.listId(o.externalId);
    const owner = o.owner !== undefined ? this.account(o.owner, o.provenance.source, now, res) : null;
    const name = o.name ?? null;
    if (name !== null || owner !== null) this.s.listUpd!.run(name, owner, id, name, owner);
    if (o.members) for (const m of o.members) this.s.memberIns!.run(id, this.account(m, o.provenance.source, now, res), now);
  }

  private applyNote(o: NoteSeen, now: number, res: ApplyResult): void {
    const persona = this.personaOfAccount(this.account(o.account, o.provenance.source, now, res));
    const existed = this.s.noteByKey!.get(o.key) !== undefined;
    this.s.noteUpsertByKey!.run({ persona, text: o.text, key: o.key, t: now });
    if (!existed) res.notes++;
  }

  // ---------------------------------------------------------------- identity operations

  private requirePersona(id: string): void {
    if (typeof id !== 'string' || !this.s.personaExists!.get(id)) throw new StoreError(`no persona ${id}`, 'not-found');
  }

  private merge(winner: string, loser: string, op: 'merge' | 'identity', reason: string | null, now: number): MergeRecord {
    if (winner === loser) throw new StoreError('cannot merge a persona into itself', 'invalid');
    this.requirePersona(winner);
    this.requirePersona(loser);
    if (this.antiLinked(winner, loser)) throw new StoreError(`personas ${winner} and ${loser} are marked as not the same person`, 'conflict');
    const loserRow = this.s.personaRow!.get(loser) as { createdAt: number; more: string | null };
    const detail: MergeDetail = { loser: loserRow, accounts: [], control: [], notes: [], antiLinks: [] };

    detail.accounts = (this.s.mAccounts!.all(loser) as { id: number }[]).map((r) => r.id);
    this.s.mAccountsMove!.run(winner, loser);

    for (const c of this.s.mControl!.all(loser) as { human: string; rel: string; createdAt: number }[]) {
      const inserted = this.s.mControlIns!.run(c.human, winner, c.rel, c.createdAt).changes > 0;
      detail.control.push({ ...c, inserted });
    }
    this.s.mControlDelAll!.run(loser);

    detail.notes = (this.s.mNotes!.all(loser) as { id: number }[]).map((r) => r.id);
    this.s.mNotesMove!.run(winner, loser);

    // "Not the same person" follows the accounts: the winner now carries the loser's anti-links.
    for (const l of this.s.mAnti!.all({ p: loser }) as { a: string; b: string; createdAt: number }[]) {
      const other = l.a === loser ? l.b : l.a;
      const [x, y] = orderedPair(winner, other);
      const inserted = this.s.antiIns!.run(x, y, l.createdAt).changes > 0;
      detail.antiLinks.push({ other, createdAt: l.createdAt, inserted });
    }
    this.s.mAntiDelAll!.run({ p: loser });

    this.s.personaDel!.run(loser);
    const id = randomUUID();
    this.s.mLogIns!.run(id, op, winner, loser, reason, JSON.stringify(detail), now);
    return { id, winner, loser, movedAccounts: detail.accounts.length, at: isoOf(now)! };
  }

  private split(mergeId: string, now: number): void {
    const log = this.s.mLogSel!.get(mergeId) as { winner: string; loser: string; detail: string; undoneAt: number | null } | undefined;
    if (!log) throw new StoreError(`no merge ${mergeId}`, 'not-found');
    if (log.undoneAt !== null) throw new StoreError(`merge ${mergeId} was already undone`, 'conflict');
    if (this.s.personaExists!.get(log.loser)) throw new StoreError(`persona ${log.loser} exists again; cannot undo merge ${mergeId}`, 'conflict');
    // The winner may itself have been merged away since: follow the log to where it lives now.
    let current = log.winner;
    const visited = new Set<string>();
    while (!this.s.personaExists!.get(current)) {
      if (visited.has(current)) throw new StoreError(`merge log loops at ${current}`, 'corrupt');
      visited.add(current);
      const next = this.s.mLogByLoser!.get(current) as { winner: string } | undefined;
      if (!next) throw new StoreError(`persona ${log.winner} no longer exists; cannot undo merge ${mergeId}`, 'conflict');
      current = next.winner;
    }
    const d = JSON.parse(log.detail) as MergeDetail;
    this.s.personaIns!.run(log.loser, d.loser.createdAt, d.loser.more);
    for (const a of d.accounts) this.s.sAccountBack!.run(log.loser, a);
    for (const c of d.control) {
      if (c.inserted) this.s.controlDel!.run(c.human, current);
      this.s.sControlRestore!.run({ human: c.human, persona: log.loser, rel: c.rel, t: c.createdAt });
    }
    for (const n of d.notes) this.s.sNoteBack!.run(log.loser, n);
    for (const l of d.antiLinks) {
      if (l.inserted) this.s.antiDel!.run(...orderedPair(current, l.other));
      const [x, y] = orderedPair(log.loser, l.other);
      this.s.antiIns!.run(x, y, l.createdAt);
    }
    this.s.mLogUndo!.run(now, mergeId);
  }
}
