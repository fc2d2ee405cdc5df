// Suggestions in Postgres: the same semantics as ../sqlite/suggestions.ts.
import type pg from 'pg';
import type { SuggestionDto, SuggestionState } from '../../../shared/suggestions.js';
import { StoreError, type SuggestionSighting } from '../port.js';
import { MAX_SUGGESTION_NAMES, checkLimit, checkSightings, checkSuggestionState } from '../suggestions.js';
import { pgText } from './sql-values.js';

export async function recordSuggestions(client: pg.PoolClient, list: readonly SuggestionSighting[]): Promise<void> {
  const times = checkSightings(list);
  // In address order, so two imports recording the same addresses lock them in the same order.
  const order = list.map((_, i) => i).sort((a, b) => (list[a]!.address < list[b]!.address ? -1 : list[a]!.address > list[b]!.address ? 1 : 0));
  const now = new Date();
  for (const i of order) {
    const s = list[i]!;
    const t = times[i] ?? null;
    const at = t === null ? null : new Date(t);
    await client.query(`insert into suggestions (address, names, count, source, state, updated_at) values ($1, '[]'::jsonb, 0, $2, 'pending', $3) on conflict (address) do nothing`, [pgText(s.address), pgText(s.source), now]);
    const seen = await client.query('insert into suggestion_sightings (address, message) values ($1, $2) on conflict do nothing', [pgText(s.address), pgText(s.message)]);
    if (seen.rowCount === 0) continue;
    await client.query(
      `update suggestions set count = count + 1, source = $2, updated_at = $3,
         names = case when $4::text is null or names @> jsonb_build_array($4::text) or jsonb_array_length(names) >= $5 then names else names || jsonb_build_array($4::text) end,
         first_seen = case when $6::timestamptz is null then first_seen else least(coalesce(first_seen, $6), $6) end,
         last_seen = case when $6::timestamptz is null then last_seen else greatest(coalesce(last_seen, $6), $6) end
       where address = $1`,
      [pgText(s.address), pgText(s.source), now, s.name === undefined ? null : pgText(s.name), MAX_SUGGESTION_NAMES, at],
    );
  }
}

export async function setSuggestionState(client: pg.PoolClient, address: string, state: unknown): Promise<void> {
  const st = checkSuggestionState(state, false);
  if (typeof address !== 'string') throw new StoreError('suggestion address must be a string', 'invalid');
  const r = await client.query('update suggestions set state = $1, updated_at = $2 where address = $3', [st, new Date(), pgText(address)]);
  if (r.rowCount === 0) throw new StoreError(`no suggestion for ${address}`, 'not-found');
}

interface Row {
  address: string;
  names: unknown;
  count: number;
  first_seen: Date | null;
  last_seen: Date | null;
  source: string;
  state: SuggestionState;
}

export async function readSuggestions(client: pg.PoolClient, opts: { state?: SuggestionState; address?: string; limit?: number } = {}): Promise<SuggestionDto[]> {
  const limit = checkLimit(opts.limit);
  const cols = 'address, names, count, first_seen, last_seen, source, state';
  let r: pg.QueryResult<Row>;
  if (opts.address !== undefined) {
    r = await client.query<Row>(`select ${cols} from suggestions where address = $1`, [pgText(String(opts.address))]);
  } else {
    const state = checkSuggestionState(opts.state ?? 'pending', true);
    const known = state === 'pending' ? `and not exists (select 1 from accounts a where a.external_id = 'email+addr:' || s.address)` : '';
    r = await client.query<Row>(`select ${cols} from suggestions s where state = $1 ${known} order by count desc, address limit $2`, [state, limit]);
  }
  return r.rows.map((x) => ({
    address: x.address,
    names: Array.isArray(x.names) ? x.names.filter((n): n is string => typeof n === 'string') : [],
    count: Number(x.count),
    firstSeen: x.first_seen ? x.first_seen.toISOString() : null,
    lastSeen: x.last_seen ? x.last_seen.toISOString() : null,
    source: x.source,
    state: x.state,
  }));
}
