import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configDocument, ConfigEditError, configText, removeSource, upsertSource } from './edit.js';
import { loadConfigText } from './index.js';
import { workerDefinition } from '../topology/spec.js';

const dir = mkdtempSync(join(tmpdir(), 'skrode-config-edit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const feeds = (key: string, urls: string[], create = true) => ({ key, tag: 'skrode/feeds', values: { feeds: urls }, worker: true, create });

describe('editing config.yml as a YAML document', () => {
  it('keeps comments, anchors, aliases and flow lists; new sources go before workers:', () => {
    const text = `# top comment
redis: &redis !skrode/redis {host: localhost}   # shared
q: !skrode/queue {conn: *redis, key: jobs}

# what runs
workers: [clock]
clock: {type: periodic, target: demo:tick, every: 5}
`;
    const doc = configDocument(text, 'c.yml');
    upsertSource(doc, feeds('blogs', ['https://a.example/feed']));
    const out = doc.toString();
    expect(out).toContain('# top comment\nredis: &redis !skrode/redis { host: localhost } # shared\nq: !skrode/queue { conn: *redis, key: jobs }\nblogs: !skrode/feeds\n');
    expect(out).toContain('# what runs\nworkers: [ clock, blogs ]\n');
    expect(loadConfigText(out, { dataDir: dir }).lazy('q')?.tag).toBe('skrode/queue');
  });

  it('writes flow collections with the spacing the file uses, and never folds long lines', () => {
    const long = `note: ${'a long sentence of the user '.repeat(6).trim()}\n`;
    for (const [text, flow] of [
      [`${long}workers: [clock]   # x\nclock: {type: periodic, target: demo:tick, every: 5}\n`, 'workers: [clock, blogs] # x\nclock: {type: periodic, target: demo:tick, every: 5}\n'],
      [`${long}workers: [ clock ]\nclock: { type: periodic, target: demo:tick, every: 5 }\n`, 'workers: [ clock, blogs ]\nclock: { type: periodic, target: demo:tick, every: 5 }\n'],
    ] as const) {
      const doc = configDocument(text, 'c.yml');
      upsertSource(doc, feeds('blogs', ['https://a.example/feed']));
      const out = configText(doc, text);
      expect(out.startsWith(long)).toBe(true);
      expect(out.endsWith(flow)).toBe(true);
    }
  });

  it('turns an empty flow mapping into a block one, and removes an emptied workers list', () => {
    const doc = configDocument('{}\n', 'c.yml');
    upsertSource(doc, feeds('blogs', ['https://a.example/feed']));
    expect(doc.toString()).toBe('blogs: !skrode/feeds\n  feeds:\n    - https://a.example/feed\nworkers:\n  - blogs\n');
    removeSource(doc, 'blogs', 'skrode/feeds');
    expect(doc.toString()).toBe('{}\n');
    expect(configDocument('', 'c.yml').toString()).toBe('{}\n');
  });

  it('changes only what the form names, keeping a value comment and keys written by hand', () => {
    const doc = configDocument('blogs: !skrode/feeds\n  every: 60   # often\n  interval: 600\n  feeds: [https://a.example/feed]\n', 'c.yml');
    upsertSource(doc, { key: 'blogs', tag: 'skrode/feeds', values: { every: 120, feeds: ['https://b.example/feed'] }, worker: false, create: false });
    expect(doc.toString()).toBe('blogs: !skrode/feeds\n  every: 120 # often\n  interval: 600\n  feeds: [ https://b.example/feed ]\n');
  });

  it('refuses a taken key, a key of another kind, and a workers: that is not a list', () => {
    const doc = configDocument('store: !skrode/sqlite x.db\nworkers: nope\n', 'c.yml');
    expect(() => upsertSource(doc, feeds('store', ['https://a.example/f']))).toThrow(ConfigEditError);
    expect(() => upsertSource(doc, feeds('store', ['https://a.example/f'], false))).toThrow(/no !skrode\/feeds mapping under store/);
    expect(() => upsertSource(doc, feeds('blogs', ['https://a.example/f']))).toThrow(/workers: in config.yml is not a list/);
    expect(() => removeSource(doc, 'store', 'skrode/feeds')).toThrow(/no !skrode\/feeds under store/);
    expect(() => configDocument('a: [\n', 'c.yml')).toThrow(/not valid YAML/);
  });
});

describe('a source tag as the topology reads it', () => {
  it('is a worker of its kind and target, with defaults, and errors at the line of its key', () => {
    const config = loadConfigText('blogs: !skrode/feeds\n  feeds: [https://a.example/f]\nworkers: [blogs]\n', { dataDir: dir });
    const s = config.section('blogs');
    expect(s.resolve()).toEqual({ type: 'periodic', target: 'feeds:poll_feeds', every: 300, feeds: ['https://a.example/f'] });
    expect(workerDefinition(config, 'blogs')).toMatchObject({ kind: 'periodic', target: 'feeds:poll_feeds', everyMs: 300_000, argKeys: ['feeds'] });
    // The tag's own shape rejects what the topology would: a key it does not know (e.g. target).
    expect(() => loadConfigText('blogs: !skrode/feeds\n  feeds: []\n  target: ./evil.js:run\n', { dataDir: dir, file: 'c.yml' })).toThrow(/c\.yml:3:3: blogs\.target: unknown key "target"/);
  });
});
