// secrets(), saveSecret and deleteSecret where there is no keychain (`skrode serve`), and
// saveSource/removeSource reloading the ingestion of the process. The desktop app's keychain
// side is main/app/secrets-api.test.ts.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSkrodeApi, type IngestControl } from './create.js';
import { dispatch } from './dispatch.js';
import { ConfigSources } from './sources.js';

const root = mkdtempSync(join(tmpdir(), 'skrode-api-secrets-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

function api(o: { ingest?: IngestControl; env?: Record<string, string> } = {}) {
  const dir = join(root, `c${n++}`);
  mkdirSync(dir);
  const file = join(dir, 'config.yml');
  writeFileSync(file, '# mine\nmail: !skrode/imap\n  host: imap.example.org\n  user: me\n  password: !skrode/env SKRODE_MAIL_PASSWORD\n');
  const sources = new ConfigSources({ config: file, cwd: dir, dataDir: join(dir, 'data') });
  return { file, api: createSkrodeApi({ store: {} as never, lookup: {} as never, posts: {} as never, storeInfo: { kind: 'sqlite', path: '/x.db' }, host: 'serve', sources, ...o }) };
}

describe('secrets under skrode serve (no keychain)', () => {
  it('names the secrets config.yml uses and their state, and says why none can be stored', async () => {
    const { api: a } = api({ env: {} });
    expect(await a.secrets()).toEqual({ canStore: false, reason: expect.stringMatching(/no keychain.*never stores a secret in plain text.*environment variable/), secrets: [{ name: 'SKRODE_MAIL_PASSWORD', state: 'missing' }] });
    const { api: b } = api({ env: { SKRODE_MAIL_PASSWORD: 'from-the-shell' } });
    const dto = await b.secrets();
    expect(dto.secrets).toEqual([{ name: 'SKRODE_MAIL_PASSWORD', state: 'environment' }]);
    expect(JSON.stringify(dto)).not.toContain('from-the-shell');
  });

  it('refuses to store one, naming what to do, never echoing the value', async () => {
    const { api: a } = api();
    const r = await dispatch(a, 'saveSecret', { name: 'SKRODE_MAIL_PASSWORD', value: 'hunter2-secret' });
    expect(r).toEqual({ ok: false, error: { kind: 'unavailable', message: expect.stringMatching(/SKRODE_MAIL_PASSWORD=value skrode topology run/) } });
    expect(JSON.stringify(r)).not.toContain('hunter2');
    expect(await dispatch(a, 'deleteSecret', { name: 'SKRODE_MAIL_PASSWORD' })).toMatchObject({ ok: false, error: { kind: 'unavailable' } });
    // Bad arguments are refused by the schema without the value in the message either.
    const bad = await dispatch(a, 'saveSecret', { name: 'lower case', value: 'hunter2-secret' });
    expect(bad).toMatchObject({ ok: false, error: { kind: 'invalid' } });
    expect(JSON.stringify(bad)).not.toContain('hunter2');
  });
});

describe('a change of config.yml reloads the ingestion of this process', () => {
  function ingest(paused = false) {
    const calls: string[] = [];
    const control: IngestControl = { paused: () => paused, setPaused: () => {}, reload: async () => void calls.push('reload') };
    return { control, calls };
  }

  it('restarts it gracefully after a source is saved or removed', async () => {
    const { control, calls } = ingest();
    const { api: a, file } = api({ ingest: control });
    const r = await a.saveSource({ key: 'blogs', tag: 'skrode/feeds', values: { feeds: ['https://ada.example.org/feed.xml'] }, create: true });
    expect(r).toMatchObject({ ok: true, file, ingestion: expect.stringMatching(/restarts with the change/) });
    expect(calls).toEqual(['reload']);
    expect(readFileSync(file, 'utf8')).toMatch(/^# mine\n/);
    await a.removeSource({ key: 'blogs', tag: 'skrode/feeds' });
    expect(calls).toEqual(['reload', 'reload']);
    // A refused change changes nothing, so nothing restarts.
    expect((await a.saveSource({ key: 'blogs', tag: 'skrode/feeds', values: { feeds: ['nope'] }, create: true })).ok).toBe(false);
    expect(calls).toEqual(['reload', 'reload']);
    await expect(a.removeSource({ key: 'nothing', tag: 'skrode/feeds' })).rejects.toMatchObject({ kind: 'invalid' });
  });

  it('leaves a paused ingestion paused, and says where none runs', async () => {
    const { control, calls } = ingest(true);
    const r = await api({ ingest: control }).api.saveSource({ key: 'blogs', tag: 'skrode/feeds', values: { feeds: ['https://ada.example.org/feed.xml'] }, create: true });
    expect(r).toMatchObject({ ok: true, ingestion: expect.stringMatching(/paused/) });
    expect(calls).toEqual([]);
    const r2 = await api().api.saveSource({ key: 'blogs', tag: 'skrode/feeds', values: { feeds: ['https://ada.example.org/feed.xml'] }, create: true });
    expect(r2).toMatchObject({ ok: true, ingestion: expect.stringMatching(/`skrode topology run` follows config.yml/) });
  });
});
