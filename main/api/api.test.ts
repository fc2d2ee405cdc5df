// The SkrodeApi over a real SQLite store holding the demo people: every method, through the
// same dispatch() the transports use.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MARK_END, MARK_START, type PostDto, type SkrodeApi } from '../../shared/api.js';
import type { LookupHit, PersonDto } from '../../shared/people.js';
import { dispatch } from './dispatch.js';
import { openDemoApi } from './testing.js';
import type { OpenedApi } from './open.js';

let dir: string;
let opened: OpenedApi;
let api: SkrodeApi;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'skrode-api-'));
  opened = await openDemoApi(dir);
  api = opened.api;
});

afterAll(async () => {
  await opened?.close();
  rmSync(dir, { recursive: true, force: true });
});

function accountIds(p: PersonDto): string[] {
  return (p.kind === 'human' ? p.human.personas : [p.persona]).flatMap((x) => x.accounts.map((a) => a.externalId));
}

async function mira(): Promise<PersonDto> {
  const [hit] = await api.lookup({ query: 'mira okonkwo' });
  expect(hit).toBeDefined();
  return hit!.person;
}

describe('lookup and person', () => {
  it('finds a person by name, handle and address, best first', async () => {
    const hits: LookupHit[] = await api.lookup({ query: 'mira' });
    expect(hits.length).toBeGreaterThan(0);
    expect(accountIds(hits[0]!.person)).toContain('twitter+user:1048576001');
    expect(accountIds((await api.lookup({ query: '@ardenmk' }))[0]!.person)).toContain('hackernews+user:ardenmk');
    expect(accountIds((await api.lookup({ query: 'priya.raman@example.org' }))[0]!.person)).toContain('email+addr:priya.raman@example.org');
  });

  it('shows a human once even when several personas match', async () => {
    const hits = await api.lookup({ query: 'okonkwo', limit: 10 });
    const ids = hits.map((h) => h.person.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers an empty or unmatched query with nobody', async () => {
    expect(await api.lookup({ query: '' })).toEqual([]);
    expect(await api.lookup({ query: 'qqqqzzzzxxxx' })).toEqual([]);
  });

  it('reads a person by id and by an account external id', async () => {
    const m = await mira();
    expect((await api.person({ id: m.id }))?.id).toBe(m.id);
    expect((await api.person({ id: 'github+user:miraok' }))?.id).toBe(m.id);
    expect(await api.person({ id: 'nobody-here' })).toBeNull();
  });
});

describe('activity', () => {
  it('lists recent posts newest first and the last interaction', async () => {
    const m = await mira();
    const a = await api.activity({ id: m.id });
    expect(a.posts.map((p) => p.externalId)).toEqual(['twitter+tweet:1860000000000000003', 'twitter+tweet:1860000000000000001']);
    expect(a.posts[0]!.direct).toBe(true);
    expect(a.posts[1]!.direct).toBe(false);
    expect(a.posts[0]!.poster?.name).toBe('Mira Okonkwo');
    // Priya's email cc'd to Mira (18 Nov) is more recent than the likes (30 Oct).
    expect(a.lastInteraction).toMatchObject({ kind: 'direct', by: 'other', at: '2026-11-18T16:20:00.000Z' });
    expect(a.lastInteraction?.post?.externalId).toBe('email+msg:<c0ffee01@example.org>');
  });

  it('refuses an unknown person', async () => {
    const r = await dispatch(api, 'activity', { id: 'no-such-person' });
    expect(r).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });
});

describe('post search', () => {
  const ids = (ps: PostDto[]) => ps.map((p) => p.externalId).sort();

  it('finds words by prefix with highlighted snippets', async () => {
    const found = await api.searchPosts({ text: 'alloc' });
    expect(ids(found)).toEqual(['email+msg:<c0ffee01@example.org>', 'irc+msg:libera/#compilers/2026-11-27T22:10:05Z/jweiss', 'twitter+tweet:1860000000000000001'].sort());
    for (const p of found) expect(p.snippet).toMatch(new RegExp(`${MARK_START}allocator${MARK_END}`));
  });

  it('requires every word', async () => {
    expect(ids(await api.searchPosts({ text: 'allocator slides' }))).toEqual(['email+msg:<c0ffee01@example.org>']);
  });

  it('filters by person, service, date and direct vs public', async () => {
    const m = await mira();
    expect(ids(await api.searchPosts({ text: 'allocator', person: m.id }))).toEqual(['twitter+tweet:1860000000000000001']);
    expect(ids(await api.searchPosts({ text: 'allocator', service: 'irc' }))).toEqual(['irc+msg:libera/#compilers/2026-11-27T22:10:05Z/jweiss']);
    expect(ids(await api.searchPosts({ text: 'allocator', direct: true }))).toEqual(['email+msg:<c0ffee01@example.org>']);
    expect(ids(await api.searchPosts({ text: 'allocator', direct: false }))).not.toContain('email+msg:<c0ffee01@example.org>');
    expect(ids(await api.searchPosts({ text: 'allocator', to: '2026-10-30' }))).toEqual(['twitter+tweet:1860000000000000001']);
    expect(ids(await api.searchPosts({ text: 'allocator', from: '2026-11-19' }))).toEqual(['irc+msg:libera/#compilers/2026-11-27T22:10:05Z/jweiss']);
    expect(await api.searchPosts({ text: 'allocator', person: 'nobody' })).toEqual([]);
  });

  it('treats query syntax as plain text', async () => {
    for (const text of ['"', 'NEAR(allocator', 'allocator OR tabs', '*', '-allocator', 'text:allocator', '(((', '"allocator" AND "x']) {
      const r = await dispatch(api, 'searchPosts', { text });
      expect(r.ok, `${text}: ${JSON.stringify(r)}`).toBe(true);
    }
    expect(await api.searchPosts({ text: '   ' })).toEqual([]);
    // `OR` is a word like any other: no post holds both words.
    expect(await api.searchPosts({ text: 'allocator OR tabs' })).toEqual([]);
  });

  it('refuses a bad date', async () => {
    expect(await dispatch(api, 'searchPosts', { text: 'a', from: 'yesterday' })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(await dispatch(api, 'searchPosts', { text: 'a', from: '2026-13-45' })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });
});

describe('notes and vCard', () => {
  it('adds, edits and deletes a note on a human', async () => {
    const m = await mira();
    const { id } = await api.saveNote({ human: m.id, text: 'likes register allocators' });
    expect((await api.person({ id: m.id }))!.notes.map((n) => n.text)).toContain('likes register allocators');
    await api.saveNote({ human: m.id, noteId: id, text: 'loves register allocators' });
    const notes = (await api.person({ id: m.id }))!.notes;
    expect(notes.find((n) => n.id === id)?.text).toBe('loves register allocators');
    await api.deleteNote({ noteId: id });
    expect((await api.person({ id: m.id }))!.notes.find((n) => n.id === id)).toBeUndefined();
  });

  it('refuses a note aimed at both a human and a persona, or at neither', async () => {
    expect(await dispatch(api, 'saveNote', { text: 'x' })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(await dispatch(api, 'saveNote', { text: 'x', human: 'a', persona: 'b' })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });

  it('exports a vCard with a safe file name', async () => {
    const m = await mira();
    const card = await api.exportVcard({ id: m.id, version: 3 });
    expect(card.filename).toMatch(/^[A-Za-z0-9._-]+\.vcf$/);
    expect(card.content).toMatch(/^BEGIN:VCARD\r\nVERSION:3\.0\r\n/);
    expect(card.content).toContain('Mira Okonkwo');
    expect(await dispatch(api, 'exportVcard', { id: 'nobody' })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
  });
});

describe('imports', () => {
  it('imports a file in the background with progress and then finds the new person', async () => {
    const file = join(dir, 'new.jsonl');
    writeFileSync(
      file,
      '{"skrode": "observations", "version": 1}\n' +
        '{"type":"account","externalId":"github+user:quentinz","names":[{"name":"quentinz","kind":"handle"},{"name":"Quentin Zabala","kind":"display"}],"seenAt":"2026-11-01T00:00:00Z"}\n' +
        'this line is not json\n',
    );
    const started = await api.startImport({ path: file });
    expect(started).toMatchObject({ state: 'running', importer: 'jsonl' });
    let job = started;
    for (let i = 0; i < 200 && job.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      job = (await api.importJob({ id: started.id }))!;
    }
    expect(job.state).toBe('done');
    expect(job.observations).toBe(1);
    expect(job.problemCount).toBe(1);
    expect(job.problems[0]).toMatchObject({ file });
    expect(job.problems[0]!.reason.length).toBeGreaterThan(0);
    expect(job.total === null || job.done === job.total).toBe(true);
    expect((await api.importJobs()).map((j) => j.id)).toContain(started.id);
    expect(accountIds((await api.lookup({ query: 'quentin' }))[0]!.person)).toContain('github+user:quentinz');
  });

  it('says what is wrong with a path it cannot import', async () => {
    expect(await dispatch(api, 'startImport', { path: join(dir, 'missing.zip') })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    const junk = join(dir, 'junk.bin');
    writeFileSync(junk, Buffer.from([0, 1, 2, 3, 255, 254]));
    const r = await dispatch(api, 'startImport', { path: junk });
    expect(r).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(await api.importJob({ id: 'nope' })).toBeNull();
  });

  it('lists the importers', async () => {
    const names = (await api.importers()).map((i) => i.name);
    expect(names).toContain('jsonl');
  });
});

describe('status, ingestion and settings', () => {
  it('reports status without a topology and refuses to pause ingestion that does not run here', async () => {
    const s = await api.status();
    expect(Array.isArray(s.workers)).toBe(true);
    expect(await dispatch(api, 'setIngestPaused', { paused: true })).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
  });

  it('answers hidePopup with nothing to do under serve', async () => {
    expect(await dispatch(api, 'hidePopup', undefined)).toEqual({ ok: true, value: null });
  });

  it('tells which config.yml it runs on', async () => {
    const c = await api.configuration();
    expect(c).toMatchObject({ file: join(dir, 'config.yml'), origin: 'flag', entries: [], error: null });
  });

  it('saves the hotkey and refuses a malformed one', async () => {
    expect((await api.settings()).store).toEqual({ kind: 'sqlite', path: (opened.store as { path: string }).path });
    expect((await api.saveSettings({ hotkey: 'Alt+Space' })).hotkey).toBe('Alt+Space');
    expect((await api.settings()).hotkey).toBe('Alt+Space');
    expect(await dispatch(api, 'saveSettings', { hotkey: 'Alt+;rm -rf' })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });
});

describe('suggestions', () => {
  it('lists pending suggestions, accepts one into an account and dismisses another', async () => {
    // A mail import records them; here a second connection to the same file stands in for it.
    const { openSqliteStore } = await import('../store/sqlite/store.js');
    const importer = await openSqliteStore((opened.store as { path: string }).path);
    try {
      await importer.recordSuggestions([
        { address: 'zed@example.org', name: 'Zed Shaw', message: 'email+msg:s1', at: '2024-03-01T00:00:00.000Z', source: 'mbox /m.mbox' },
        { address: 'zed@example.org', message: 'email+msg:s2', source: 'mbox /m.mbox' },
        { address: 'yve@example.org', message: 'email+msg:s1', source: 'mbox /m.mbox' },
      ]);
    } finally {
      await importer.close();
    }
    expect((await api.suggestions()).map((s) => [s.address, s.count])).toEqual([
      ['zed@example.org', 2],
      ['yve@example.org', 1],
    ]);
    expect(await api.suggestions({ limit: 1 })).toHaveLength(1);
    expect(await api.acceptSuggestion({ address: 'email+addr:Zed@example.org' })).toMatchObject({ address: 'zed@example.org', state: 'accepted' });
    expect(await api.dismissSuggestion({ address: 'yve@example.org' })).toMatchObject({ state: 'dismissed' });
    expect(await api.suggestions()).toEqual([]);
    const [hit] = await api.lookup({ query: 'zed shaw' });
    expect(hit && accountIds(hit.person)).toContain('email+addr:zed@example.org');
    expect(await dispatch(api, 'acceptSuggestion', { address: 'nobody@example.org' })).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(await dispatch(api, 'acceptSuggestion', { address: 'yve@example.org' })).toMatchObject({ ok: false, error: { kind: 'conflict' } });
    expect(await dispatch(api, 'dismissSuggestion', { address: 'x'.repeat(400) })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });
});

describe('dispatch', () => {
  it('refuses unknown methods, extra keys and wrong types', async () => {
    expect(await dispatch(api, 'close', undefined)).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(await dispatch(api, '__proto__', undefined)).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    expect(await dispatch(api, 'lookup', { query: 'x', evil: 1 })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(await dispatch(api, 'lookup', { query: 42 })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(await dispatch(api, 'lookup', { query: 'x'.repeat(501) })).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(await dispatch(api, 'lookup', null)).toMatchObject({ ok: false, error: { kind: 'invalid' } });
  });

  it('answers void methods with null and no-argument methods with or without {}', async () => {
    expect(await dispatch(api, 'settings', undefined)).toMatchObject({ ok: true });
    expect(await dispatch(api, 'settings', {})).toMatchObject({ ok: true });
    expect(await dispatch(api, 'settings', { x: 1 })).toMatchObject({ ok: false });
  });
});
