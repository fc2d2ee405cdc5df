// The API's post search, recent posts and last interaction over a Postgres store holding the demo
// people: the same answers as over SQLite (api.test.ts), through the tsvector index.
import { afterAll, describe, expect, it } from 'vitest';
import { MARK_END, MARK_START, type PostDto } from '../../shared/api.js';
import { postgresAvailable } from '../../test/services.js';
import { dispatch } from './dispatch.js';

const available = await postgresAvailable();

describe.runIf(available)('post reading over Postgres', async () => {
  const { freshPostgresStore } = await import('../store/postgres/testing.js');
  const { PostgresLookupBackend } = await import('../lookup/postgres-backend.js');
  const { PostgresPostReader } = await import('./posts-postgres.js');
  const { createSkrodeApi } = await import('./create.js');
  const { fillDemo } = await import('./testing.js');
  const t = await freshPostgresStore();
  await fillDemo(t.store);
  const api = createSkrodeApi({
    store: t.store,
    lookup: new PostgresLookupBackend(t.store.pool),
    posts: new PostgresPostReader(t.store.pool),
    storeInfo: { kind: 'postgres', url: 'postgres://test' },
    host: 'serve',
  });
  afterAll(async () => {
    await api.close();
    await t.cleanup();
  });
  const ids = (ps: PostDto[]) => ps.map((p) => p.externalId).sort();
  const mira = async () => (await api.lookup({ query: 'mira okonkwo' }))[0]!.person;

  it('finds words by prefix with highlighted snippets', async () => {
    const found = await api.searchPosts({ text: 'alloc' });
    expect(ids(found)).toEqual(['email+msg:<c0ffee01@example.org>', 'irc+msg:libera/#compilers/2026-11-27T22:10:05Z/jweiss', 'twitter+tweet:1860000000000000001'].sort());
    for (const p of found) expect(p.snippet).toContain(`${MARK_START}allocator${MARK_END}`);
    expect(ids(await api.searchPosts({ text: 'allocator slides' }))).toEqual(['email+msg:<c0ffee01@example.org>']);
  });

  it('filters by person, service, date and direct vs public', async () => {
    const m = await mira();
    expect(ids(await api.searchPosts({ text: 'allocator', person: m.id }))).toEqual(['twitter+tweet:1860000000000000001']);
    expect(ids(await api.searchPosts({ text: 'allocator', service: 'irc' }))).toEqual(['irc+msg:libera/#compilers/2026-11-27T22:10:05Z/jweiss']);
    expect(ids(await api.searchPosts({ text: 'allocator', direct: true }))).toEqual(['email+msg:<c0ffee01@example.org>']);
    expect(ids(await api.searchPosts({ text: 'allocator', to: '2026-10-30' }))).toEqual(['twitter+tweet:1860000000000000001']);
    expect(ids(await api.searchPosts({ text: 'allocator', from: '2026-11-19' }))).toEqual(['irc+msg:libera/#compilers/2026-11-27T22:10:05Z/jweiss']);
  });

  it('treats tsquery syntax as plain text', async () => {
    for (const text of ["'", 'a & !b', 'allocator | tabs', 'alloc:*', '(((', '<->', '\\']) {
      const r = await dispatch(api, 'searchPosts', { text });
      expect(r.ok, `${text}: ${JSON.stringify(r)}`).toBe(true);
    }
  });

  it('lists recent posts and the last interaction', async () => {
    const m = await mira();
    const a = await api.activity({ id: m.id });
    expect(a.posts.map((p) => p.externalId)).toEqual(['twitter+tweet:1860000000000000003', 'twitter+tweet:1860000000000000001']);
    expect(a.posts[0]).toMatchObject({ direct: true, poster: { name: 'Mira Okonkwo' }, when: '2026-10-30T18:40:00.000Z' });
    expect(a.lastInteraction).toMatchObject({ kind: 'direct', by: 'other', at: '2026-11-18T16:20:00.000Z' });
  });
});
