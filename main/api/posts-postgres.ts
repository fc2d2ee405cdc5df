// PostReader over a Postgres store: the tsvector `search` column (GIN) with a prefix tsquery
// built from plain words; ts_headline runs only for the rows of the final page.

import type pg from 'pg';
import { MARK_END, MARK_START, type InteractionDto, type PostDto } from '../../shared/api.js';
import { DIRECT_RELS, SNIPPET_WORDS, type PostFilter, type PostReader } from './posts.js';
import { tsQuery } from './search-terms.js';

interface PostRow {
  id: string;
  externalId: string;
  service: string;
  posterExt: string | null;
  posterName: string | null;
  text: string | null;
  postedAt: Date | null;
  url: string | null;
  tombstone: boolean;
  direct: boolean;
}

const RELS = DIRECT_RELS.map((r) => `'${r}'`).join(', ');
const DIRECT_SQL = `exists (select 1 from post_distribution d where d.post = p.id and d.rel in (${RELS}))`;
const POST_COLUMNS = `p.id::text as id, p.external_id as "externalId", p.service, a.external_id as "posterExt",
  (select n.name from names n where n.account = p.poster order by (n.kind = 'display') desc, n.last_seen desc nulls last limit 1) as "posterName",
  p.text, p.posted_at as "postedAt", p.url, p.tombstone, ${DIRECT_SQL} as direct`;

function toDto(r: PostRow, snippet?: string): PostDto {
  const dto: PostDto = {
    externalId: r.externalId,
    service: r.service,
    poster: r.posterExt ? { externalId: r.posterExt, name: r.posterName } : null,
    text: r.text,
    when: r.postedAt ? new Date(r.postedAt).toISOString() : null,
    url: r.url,
    tombstone: r.tombstone,
    direct: r.direct,
  };
  if (snippet !== undefined) dto.snippet = snippet;
  return dto;
}

export class PostgresPostReader implements PostReader {
  constructor(private readonly pool: pg.Pool) {}

  async search(f: PostFilter): Promise<PostDto[]> {
    const q = tsQuery(f.text);
    if (!q) return [];
    const params: unknown[] = [q];
    const where = [`p.search @@ to_tsquery('simple', $1)`];
    const add = (v: unknown) => `$${params.push(v)}`;
    if (f.posters) where.push(`p.poster in (select id from accounts where external_id = any(${add(f.posters)}::text[]))`);
    if (f.service !== undefined) where.push(`p.service = ${add(f.service)}`);
    if (f.fromMs !== undefined) where.push(`p.posted_at >= ${add(new Date(f.fromMs))}`);
    if (f.toMs !== undefined) where.push(`p.posted_at < ${add(new Date(f.toMs))}`);
    if (f.direct !== undefined) where.push(f.direct ? DIRECT_SQL : `not ${DIRECT_SQL}`);
    const limit = add(f.limit);
    const opts = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=${SNIPPET_WORDS * 2}, MinWords=${SNIPPET_WORDS}, FragmentDelimiter=…`;
    const sql = `with page as (
        select p.id, ts_rank(p.search, to_tsquery('simple', $1)) as rank from posts p
        where ${where.join(' and ')} order by rank desc, p.id desc limit ${limit})
      select ${POST_COLUMNS}, ts_headline('simple', coalesce(p.text, ''), to_tsquery('simple', $1), ${add(opts)}) as snippet
      from page join posts p on p.id = page.id left join accounts a on a.id = p.poster
      order by page.rank desc, p.id desc`;
    const res = await this.pool.query<PostRow & { snippet: string }>(sql, params);
    return res.rows.map((r) => toDto(r, r.snippet));
  }

  async recent(accounts: readonly string[], limit: number): Promise<PostDto[]> {
    if (accounts.length === 0) return [];
    const res = await this.pool.query<PostRow>(
      `select ${POST_COLUMNS} from posts p left join accounts a on a.id = p.poster
       where p.poster in (select id from accounts where external_id = any($1::text[]))
       order by p.posted_at desc nulls last, p.id desc limit $2`,
      [accounts, limit],
    );
    return res.rows.map((r) => toDto(r));
  }

  async lastInteraction(accounts: readonly string[]): Promise<InteractionDto | null> {
    if (accounts.length === 0) return null;
    const mine = `(select id from accounts where external_id = any($1::text[]))`;
    const res = await this.pool.query<{ post: string; at: Date; kind: string; byThem: boolean }>(
      `select * from (
        (select i.post::text as post, i.at, i.kind, true as "byThem" from post_interactions i where i.account in ${mine} and i.at is not null order by i.at desc limit 1)
        union all
        (select i.post::text, i.at, i.kind, false from post_interactions i join posts p on p.id = i.post where p.poster in ${mine} and i.account not in ${mine} and i.at is not null order by i.at desc limit 1)
        union all
        (select p.id::text, p.posted_at, 'direct', true from posts p where p.poster in ${mine} and ${DIRECT_SQL} and p.posted_at is not null order by p.posted_at desc limit 1)
        union all
        (select p.id::text, p.posted_at, 'direct', false from post_distribution d join posts p on p.id = d.post where d.recipient in ${mine} and d.rel in (${RELS}) and p.posted_at is not null order by p.posted_at desc limit 1)
      ) c order by at desc limit 1`,
      [accounts],
    );
    const best = res.rows[0];
    if (!best) return null;
    const post = await this.pool.query<PostRow>(`select ${POST_COLUMNS} from posts p left join accounts a on a.id = p.poster where p.id = $1`, [best.post]);
    return { at: new Date(best.at).toISOString(), kind: best.kind, by: best.byThem ? 'them' : 'other', post: post.rows[0] ? toDto(post.rows[0]) : null };
  }
}
