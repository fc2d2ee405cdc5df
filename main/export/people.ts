// Which people an export covers: every human, and every persona that no human owns (the same
// units whois prints), over each dialect's read connection. Ordered by creation time so an
// export of an unchanged store is the same file every time.

import type pg from 'pg';
import type { SqliteDb } from '../store/sqlite/open.js';

const PEOPLE_SQL = `
  select id from (
    select h.id as id, h.created_at as created_at from humans h
    union all
    select p.id, p.created_at from personas p
    where not exists (select 1 from persona_control pc where pc.persona = p.id)
      -- a persona holding only persona-level names is not a person of its own
      and exists (select 1 from accounts a where a.persona = p.id)
  ) people order by created_at, id`;

export function allPeopleSqlite(db: SqliteDb): string[] {
  return (db.prepare(PEOPLE_SQL).all() as { id: string }[]).map((r) => r.id);
}

export async function allPeoplePostgres(pool: pg.Pool): Promise<string[]> {
  const res = await pool.query<{ id: string }>(PEOPLE_SQL.replace('order by created_at, id', 'order by created_at, id::text collate "C"'));
  return res.rows.map((r) => String(r.id));
}
