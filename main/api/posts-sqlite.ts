// PostReader over a SQLite store's read-only connection. Search follows Signal's discipline: the
// MATCH picks and ranks (bm25) the ids of one page with every filter applied in the same query;
// snippet() runs only for the rows of that final page.

import type Database from 'better-sqlite3';
import type { InteractionDto, PostDto } from '../../shared/api.js';
import { isoOf } from '../store/sqlite/writer.js';
import { DIRECT_RELS, SNIPPET_WORDS, type PostFilter, type PostReader } from './posts.js';
import { fts5Query } from './search-terms.js';

interface PostRow {
  id: number;
  externalId: string;
  service: string;
  posterExt: string | null;
  posterName: string | null;
  text: string | null;
  postedAt: number | null;
  url: string | null;
  tombstone: number;
  direct: number;
}

const DIRECT_SQL = `exists (select 1 from post_distribution d where d.post = p.id and d.rel in (${DIRECT_RELS.map((r) => `'${r}'`).join(', ')}))`;

const POST_COLUMNS = `p.id, p.external_id as externalId, p.service, a.external_id as posterExt,
  (select n.name from names n where n.account = p.poster order by n.kind = 'display' desc, n.last_seen desc limit 1) as posterName,
  p.text, p.posted_at as postedAt, p.url, p.tombstone, ${DIRECT_SQL} as direct`;

const ACCOUNT_IDS = `select id from accounts where external_id in (select value from json_each(?))`;

function toDto(r: PostRow, snippet?: string): PostDto {
  const dto: PostDto = {
    externalId: r.externalId,
    service: r.service,
    poster: r.posterExt ? { externalId: r.posterExt, name: r.posterName } : null,
    text: r.text,
    when: isoOf(r.postedAt),
    url: r.url,
    tombstone: r.tombstone === 1,
    direct: r.direct === 1,
  };
  if (snippet !== undefined) dto.snippet = snippet;
  return dto;
}

export class SqlitePostReader implements PostReader {
  private readonly byIds: Database.Statement;
  private readonly recentStmt: Database.Statement;
  private readonly snippets: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.byIds = db.prepare(`select ${POST_COLUMNS} from posts p left join accounts a on a.id = p.poster where p.id in (select value from json_each(?))`);
    this.recentStmt = db.prepare(
      `select ${POST_COLUMNS} from posts p left join accounts a on a.id = p.poster where p.poster in (${ACCOUNT_IDS}) order by p.posted_at is null, p.posted_at desc, p.id desc limit ?`,
    );
    this.snippets = db.prepare(
      `select rowid as id, snippet(posts_fts, 0, char(2), char(3), '…', ${SNIPPET_WORDS}) as snippet from posts_fts where posts_fts match ? and rowid in (select value from json_each(?))`,
    );
  }

  async search(f: PostFilter): Promise<PostDto[]> {
    const match = fts5Query(f.text);
    if (!match) return [];
    const where: string[] = ['posts_fts match ?'];
    const params: unknown[] = [match];
    if (f.posters) {
      where.push(`p.poster in (${ACCOUNT_IDS})`);
      params.push(JSON.stringify(f.posters));
    }
    if (f.service !== undefined) {
      where.push('p.service = ?');
      params.push(f.service);
    }
    if (f.fromMs !== undefined) {
      where.push('p.posted_at >= ?');
      params.push(f.fromMs);
    }
    if (f.toMs !== undefined) {
      where.push('p.posted_at < ?');
      params.push(f.toMs);
    }
    if (f.direct !== undefined) where.push(f.direct ? DIRECT_SQL : `not ${DIRECT_SQL}`);
    params.push(f.limit);
    const ids = (
      this.db.prepare(`select p.id from posts_fts join posts p on p.id = posts_fts.rowid where ${where.join(' and ')} order by posts_fts.rank limit ?`).all(...params) as { id: number }[]
    ).map((r) => r.id);
    if (ids.length === 0) return [];
    const idsJson = JSON.stringify(ids);
    const snippet = new Map((this.snippets.all(match, idsJson) as { id: number; snippet: string }[]).map((r) => [r.id, r.snippet]));
    const rows = new Map((this.byIds.all(idsJson) as PostRow[]).map((r) => [r.id, r]));
    return ids.flatMap((id) => {
      const r = rows.get(id);
      return r ? [toDto(r, snippet.get(id) ?? '')] : [];
    });
  }

  async recent(accounts: readonly string[], limit: number): Promise<PostDto[]> {
    if (accounts.length === 0) return [];
    return (this.recentStmt.all(JSON.stringify(accounts), limit) as PostRow[]).map((r) => toDto(r));
  }

  async lastInteraction(accounts: readonly string[]): Promise<InteractionDto | null> {
    if (accounts.length === 0) return null;
    const a = JSON.stringify(accounts);
    const rels = DIRECT_RELS.map((r) => `'${r}'`).join(', ');
    type Cand = { post: number; at: number | null; kind: string; byThem: number };
    const candidates = [
      // They liked, shared ... a post.
      this.db.prepare(`select i.post, i.at, i.kind, 1 as byThem from post_interactions i where i.account in (${ACCOUNT_IDS}) and i.at is not null order by i.at desc limit 1`).get(a),
      // Someone else (usually the user) liked, shared ... one of their posts.
      this.db
        .prepare(
          `select i.post, i.at, i.kind, 0 as byThem from post_interactions i join posts p on p.id = i.post where p.poster in (${ACCOUNT_IDS}) and i.account not in (${ACCOUNT_IDS}) and i.at is not null order by i.at desc limit 1`,
        )
        .get(a, a),
      // A direct message from them.
      this.db.prepare(`select p.id as post, p.posted_at as at, 'direct' as kind, 1 as byThem from posts p where p.poster in (${ACCOUNT_IDS}) and ${DIRECT_SQL} and p.posted_at is not null order by p.posted_at desc limit 1`).get(a),
      // A direct message to them.
      this.db
        .prepare(
          `select p.id as post, p.posted_at as at, 'direct' as kind, 0 as byThem from post_distribution d join posts p on p.id = d.post where d.recipient in (${ACCOUNT_IDS}) and d.rel in (${rels}) and p.posted_at is not null order by p.posted_at desc limit 1`,
        )
        .get(a),
    ].filter((c): c is Cand => c !== undefined && (c as Cand).at !== null);
    if (candidates.length === 0) return null;
    const best = candidates.reduce((x, y) => (y.at! > x.at! ? y : x));
    const row = this.byIds.get(JSON.stringify([best.post])) as PostRow | undefined;
    return { at: isoOf(best.at)!, kind: best.kind, by: best.byThem === 1 ? 'them' : 'other', post: row ? toDto(row) : null };
  }
}
