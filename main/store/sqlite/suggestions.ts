// Suggestions in SQLite: the writes run on the writer thread (registered as `suggestions.*`
// methods by ./suggestions-registration.ts), the reads on the caller's read-only connection.
import type Database from 'better-sqlite3';
import type { SuggestionDto, SuggestionState } from '../../../shared/suggestions.js';
import { StoreError, type SuggestionSighting } from '../port.js';
import { checkLimit, checkSightings, checkSuggestionState, withName } from '../suggestions.js';
import { isoOf } from './writer.js';

type Db = Database.Database;

interface Row {
  address: string;
  names: string;
  count: number;
  firstSeen: number | null;
  lastSeen: number | null;
  source: string;
  state: SuggestionState;
}

function parseNames(json: string): string[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function suggestionWriterMethods(db: Db) {
  const ensure = db.prepare(`insert into suggestions (address, names, count, source, state, updated_at) values (?, '[]', 0, ?, 'pending', ?) on conflict (address) do nothing`);
  const sight = db.prepare('insert or ignore into suggestion_sightings (address, message) values (?, ?)');
  const names = db.prepare('select names from suggestions where address = ?').pluck();
  const bump = db.prepare(
    `update suggestions set count = count + 1, names = ?, source = ?, updated_at = ?,
       first_seen = case when ? is null then first_seen else min(coalesce(first_seen, ?), ?) end,
       last_seen = case when ? is null then last_seen else max(coalesce(last_seen, ?), ?) end
     where address = ?`,
  );
  const setState = db.prepare('update suggestions set state = ?, updated_at = ? where address = ?');

  const record = db.transaction((list: readonly SuggestionSighting[]) => {
    const times = checkSightings(list);
    const now = Date.now();
    list.forEach((s, i) => {
      const t = times[i] ?? null;
      ensure.run(s.address, s.source, now);
      if (sight.run(s.address, s.message).changes === 0) return;
      const merged = withName(parseNames(String(names.get(s.address))), s.name);
      bump.run(JSON.stringify(merged), s.source, now, t, t, t, t, t, t, s.address);
    });
  });

  return {
    'suggestions.record': (list: readonly SuggestionSighting[]) => void record(list),
    'suggestions.setState': (address: unknown, state: unknown) => {
      const st = checkSuggestionState(state, false);
      if (typeof address !== 'string') throw new StoreError('suggestion address must be a string', 'invalid');
      if (setState.run(st, Date.now(), address).changes === 0) throw new StoreError(`no suggestion for ${address}`, 'not-found');
    },
  };
}

const COLUMNS = 'address, names, count, first_seen as firstSeen, last_seen as lastSeen, source, state';

export function readSuggestions(db: Db, opts: { state?: SuggestionState; address?: string; limit?: number } = {}): SuggestionDto[] {
  const limit = checkLimit(opts.limit);
  let rows: Row[];
  if (opts.address !== undefined) {
    rows = db.prepare(`select ${COLUMNS} from suggestions where address = ?`).all(String(opts.address)) as Row[];
  } else {
    const state = checkSuggestionState(opts.state ?? 'pending', true);
    // A pending address that became an account meanwhile (accepted, or captured by another
    // header or source) is no longer a suggestion.
    const known = state === 'pending' ? `and not exists (select 1 from accounts a where a.external_id = 'email+addr:' || s.address)` : '';
    rows = db.prepare(`select ${COLUMNS} from suggestions s where state = ? ${known} order by count desc, address limit ?`).all(state, limit) as Row[];
  }
  return rows.map((r) => ({ address: r.address, names: parseNames(r.names), count: r.count, firstSeen: isoOf(r.firstSeen), lastSeen: isoOf(r.lastSeen), source: r.source, state: r.state }));
}
