import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfigText } from '../config/index.js';
import { topologyPlan } from '../topology/spec.js';
import { ConfigSources, sourceTypes } from './sources.js';

const root = mkdtempSync(join(tmpdir(), 'skrode-sources-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
/** A fresh working folder and data folder, with config.yml text if given (else none). */
function setup(text?: string) {
  const dir = join(root, `case-${n++}`);
  const data = join(dir, 'data');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'config.yml');
  if (text !== undefined) writeFileSync(file, text);
  const sources = new ConfigSources({ cwd: dir, dataDir: data, ...(text !== undefined ? { config: file } : {}) });
  return { dir, data, file, sources };
}

const USER_CONFIG = `# My Skrode: one machine.
store: !skrode/sqlite skrode.db   # next to this file

# The blogs I read (keep this comment)
blogs: !skrode/feeds
  feeds:
    - https://ada.example.org/feed.xml   # Ada's
  every: 600

workers: [blogs]   # what runs
`;

describe('sourceTypes: forms derived from the registered source tags', () => {
  it('offers feeds, IMAP and X credentials with their fields', () => {
    const types = sourceTypes();
    expect(types.map((t) => t.tag)).toEqual(expect.arrayContaining(['skrode/feeds', 'skrode/imap', 'skrode/twitter']));
    const feeds = types.find((t) => t.tag === 'skrode/feeds')!;
    expect(feeds.worker).toBe(true);
    expect(feeds.fields.map((f) => [f.name, f.kind, f.optional])).toEqual([
      ['feeds', 'list', false],
      ['interval', 'integer', true],
      ['every', 'integer', true],
    ]);
    expect(feeds.fields.find((f) => f.name === 'every')).toMatchObject({ default: 300, expects: 'an integer from 10 to 86400', label: 'Seconds between runs' });
    const imap = types.find((t) => t.tag === 'skrode/imap')!;
    expect(imap.fields.find((f) => f.name === 'password')).toMatchObject({ secret: true, kind: 'string' });
    expect(imap.fields.find((f) => f.name === 'host')).toMatchObject({ secret: false });
    const x = types.find((t) => t.tag === 'skrode/twitter')!;
    expect(x.worker).toBe(false);
    expect(x.fields.filter((f) => f.secret).map((f) => f.name).sort()).toEqual(['access_token_key', 'access_token_secret', 'bearer_token', 'consumer_key', 'consumer_secret']);
  });
});

describe('ConfigSources', () => {
  it('lists the sources of the file, secrets by name only', () => {
    const { sources } = setup(`${USER_CONFIG}mail: !skrode/imap
  host: imap.example.org
  user: me@example.org
  password: hunter2-in-the-file
x: !skrode/twitter
  bearer_token: !skrode/env SKRODE_X_BEARER
`);
    const list = sources.list();
    expect(list.error).toBeNull();
    expect(list.sources.map((s) => [s.key, s.tag, s.listed])).toEqual([
      ['blogs', 'skrode/feeds', true],
      ['mail', 'skrode/imap', false],
      ['x', 'skrode/twitter', false],
    ]);
    expect(list.sources[0]!.values).toMatchObject({ feeds: ['https://ada.example.org/feed.xml'], every: 600, interval: null });
    expect(list.sources[1]!.values.password).toEqual({ inFile: true });
    expect(list.sources[2]!.values.bearer_token).toEqual({ env: 'SKRODE_X_BEARER' });
    expect(JSON.stringify(list)).not.toContain('hunter2');
  });

  it('adds a source to the user file, keeping every comment, and the topology runs it as a worker', async () => {
    const { file, sources } = setup(USER_CONFIG);
    const r = await sources.save({ key: 'news', tag: 'skrode/feeds', values: { feeds: ['https://news.example/rss', ' '], interval: '7200', every: '' }, create: true });
    expect(r).toEqual({ ok: true, file, ingestion: '' });
    const text = readFileSync(file, 'utf8');
    for (const comment of ['# My Skrode: one machine.', '# next to this file', '# The blogs I read (keep this comment)', "# Ada's", '# what runs']) expect(text).toContain(comment);
    expect(text).toContain('news: !skrode/feeds\n  feeds:\n    - https://news.example/rss\n  interval: 7200\n');
    const config = loadConfigText(text, { file, dataDir: join(root, 'unused') });
    const plan = topologyPlan(config);
    expect(plan.workers.map((w) => [w.def.name, w.def.kind, w.def.target, w.def.everyMs])).toEqual([
      ['blogs', 'periodic', 'feeds:poll_feeds', 600_000],
      ['news', 'periodic', 'feeds:poll_feeds', 300_000],
    ]);
    expect(plan.workers[1]!.def.argKeys.sort()).toEqual(['feeds', 'interval']);
    expect(config.section('news').resolve('feeds')).toEqual(['https://news.example/rss']);
  });

  it('edits a source in place: the value changes, its comments stay', async () => {
    const { file, sources } = setup(USER_CONFIG);
    const r = await sources.save({ key: 'blogs', tag: 'skrode/feeds', values: { feeds: ['https://ada.example.org/feed.xml', 'https://bob.example/atom'], every: 900, interval: null }, create: false });
    expect(r.ok).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# The blogs I read (keep this comment)');
    expect(text).toContain('every: 900');
    expect(text).toContain('https://bob.example/atom');
    expect(sources.list().sources[0]!.values.every).toBe(900);
  });

  it('removes a source and its workers entry; the rest of the file stays', async () => {
    const { file, sources } = setup(USER_CONFIG);
    const r = await sources.remove({ key: 'blogs', tag: 'skrode/feeds' });
    expect(r.ok).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain('blogs');
    expect(text).not.toContain('workers');
    expect(text).toContain('store: !skrode/sqlite skrode.db');
    expect(text).toContain('# My Skrode: one machine.');
  });

  it('shows a bad value next to its field and leaves the file untouched', async () => {
    const { file, sources } = setup(USER_CONFIG);
    const before = readFileSync(file, 'utf8');
    const bad = await sources.save({ key: 'news', tag: 'skrode/feeds', values: { feeds: ['ftp://news.example/rss'], interval: 'hourly' }, create: true });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toEqual([{ field: 'feeds', message: expect.stringMatching(/expected a http:\/\/ or https:\/\/ URL/) }]);
    const bad2 = await sources.save({ key: 'news', tag: 'skrode/feeds', values: { feeds: ['https://news.example/rss'], interval: 'hourly' }, create: true });
    if (!bad2.ok) expect(bad2.errors).toEqual([{ field: 'interval', message: 'expected an integer from 60 to 604800, got string "hourly"' }]);
    const missing = await sources.save({ key: 'news', tag: 'skrode/feeds', values: { feeds: [] }, create: true });
    if (!missing.ok) expect(missing.errors).toEqual([{ field: 'feeds', message: expect.stringMatching(/missing required key "feeds"/) }]);
    expect(missing.ok).toBe(false);
    const taken = await sources.save({ key: 'blogs', tag: 'skrode/feeds', values: { feeds: ['https://news.example/rss'] }, create: true });
    if (!taken.ok) expect(taken.errors[0]).toMatchObject({ field: 'key', message: expect.stringMatching(/already has a key blogs/) });
    expect(taken.ok).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('never writes a secret in clear: only its name, as !skrode/env', async () => {
    const { file, sources } = setup(USER_CONFIG);
    const plain = await sources.save({ key: 'mail', tag: 'skrode/imap', values: { host: 'imap.example.org', user: 'me', password: 'hunter2' }, create: true });
    expect(plain).toMatchObject({ ok: false, errors: [{ field: 'password', message: expect.stringMatching(/never written to config.yml/) }] });
    expect(JSON.stringify(plain)).not.toContain('hunter2');
    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    const ok = await sources.save({ key: 'mail', tag: 'skrode/imap', values: { host: 'imap.example.org', user: 'me', password: { env: 'SKRODE_MAIL_PASSWORD' }, folders: ['INBOX', 'Sent'] }, create: true });
    expect(ok.ok).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('password: !skrode/env SKRODE_MAIL_PASSWORD');
    expect(sources.list().sources.find((s) => s.key === 'mail')!.values.password).toEqual({ env: 'SKRODE_MAIL_PASSWORD' });
    // Leaving a secret as written keeps it, whatever it is.
    const kept = await sources.save({ key: 'mail', tag: 'skrode/imap', values: { host: 'imap2.example.org', password: { keep: true } }, create: false });
    expect(kept.ok).toBe(true);
    expect(readFileSync(file, 'utf8')).toContain('password: !skrode/env SKRODE_MAIL_PASSWORD');
  });

  it('checks the rules the tag applies when built (the four OAuth keys go together)', async () => {
    const { sources } = setup(USER_CONFIG);
    const r = await sources.save({ key: 'x', tag: 'skrode/twitter', values: { consumer_key: { env: 'SKRODE_X_KEY' } }, create: true });
    expect(r).toMatchObject({ ok: false, errors: [{ field: null, message: expect.stringMatching(/OAuth 1.0a needs all four keys/) }] });
  });

  it('refuses while the file has a problem elsewhere, saying where', async () => {
    const { file, sources } = setup(`${USER_CONFIG}broken: !skrode/redis {port: 99999}\n`);
    const before = readFileSync(file, 'utf8');
    const r = await sources.save({ key: 'news', tag: 'skrode/feeds', values: { feeds: ['https://news.example/rss'] }, create: true });
    expect(r).toMatchObject({ ok: false, errors: [{ field: null, message: expect.stringMatching(/fixed by hand first: .*config\.yml:11:\d+: broken\.port/) }] });
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('on built-in defaults, creates config.yml in the data folder (private), leaving no temporary file', async () => {
    const { data, sources } = setup();
    expect(sources.list()).toMatchObject({ file: null, writeTo: join(data, 'config.yml'), sources: [] });
    const r = await sources.save({ key: 'blogs', tag: 'skrode/feeds', values: { feeds: ['https://ada.example.org/feed.xml'] }, create: true });
    expect(r).toMatchObject({ ok: true, file: join(data, 'config.yml') });
    expect(statSync(join(data, 'config.yml')).mode & 0o777).toBe(0o600);
    expect(readdirSync(data)).toEqual(['config.yml']);
    expect(readFileSync(join(data, 'config.yml'), 'utf8')).toBe('blogs: !skrode/feeds\n  feeds:\n    - https://ada.example.org/feed.xml\nworkers:\n  - blogs\n');
    expect(sources.list()).toMatchObject({ file: join(data, 'config.yml'), sources: [{ key: 'blogs', listed: true }] });
  });

  it('never writes a source under a key with a meaning of its own', async () => {
    const { file, sources } = setup('# empty\n');
    for (const key of ['email', 'feeds', 'workers', 'redis', 'twitter', '__proto__']) {
      const r = await sources.save({ key, tag: 'skrode/imap', values: { host: 'h', user: 'u', password: { env: 'P' } }, create: true });
      expect(r, key).toMatchObject({ ok: false, errors: [{ field: 'key' }] });
    }
    expect(readFileSync(file, 'utf8')).toBe('# empty\n');
    const x = await sources.save({ key: 'twitter', tag: 'skrode/twitter', values: { bearer_token: { env: 'SKRODE_X_BEARER' } }, create: true });
    expect(x.ok).toBe(true);
  });

  it('an unknown kind, or a field the kind does not have, is refused', async () => {
    const { sources } = setup(USER_CONFIG);
    expect(await sources.save({ key: 'q', tag: 'skrode/queue', values: {}, create: true })).toMatchObject({ ok: false, errors: [{ field: null, message: expect.stringMatching(/not a kind of source/) }] });
    expect(await sources.save({ key: 'f', tag: 'skrode/feeds', values: { target: './evil.js:run' }, create: true })).toMatchObject({ ok: false, errors: [{ message: expect.stringMatching(/no field target/) }] });
  });
});
