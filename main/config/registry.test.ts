// Sources add their own tags through the registry.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { z } from 'zod';
import { fields, getTag, knownTags, registerTag, type Lazy } from './index.js';
import { configError, loadYaml, tempDir, type TempDir } from './test-helpers.js';

let tmp: TempDir;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.remove());

interface ImapDescriptor {
  kind: 'imap';
  hostname: string;
  port: number;
  username: string;
  password: string;
  folders: string[];
}

registerTag({
  tag: 'test/imap',
  kinds: ['map'],
  secrets: ['password'],
  shape: fields.object({
    hostname: fields.string({ nonEmpty: true }),
    port: fields.optional(fields.integer({ min: 1, max: 65535 }), 993),
    username: fields.string(),
    password: fields.string(),
    folders: fields.optional(fields.list(fields.string()), ['INBOX']),
  }),
  build: (v): ImapDescriptor => ({ kind: 'imap', ...v }),
});

registerTag({
  tag: 'test/zodfeed',
  kinds: ['map', 'scalar'],
  fromScalar: (url) => ({ url }),
  schema: z.object({ url: z.string().url(), every: z.number().int().positive().default(3600) }).strict(),
  build: (v) => ({ kind: 'feed', ...v }),
});

describe('registerTag', () => {
  it('a source tag loads, checks and builds like a built-in', () => {
    const c = loadYaml(tmp, 'mail: !test/imap\n  hostname: imap.example\n  username: me\n  password: !skrode/env IMAP_PW\n  folders: [INBOX, Lists]\n', { IMAP_PW: 'imap-secret' });
    const d = c.tagged<ImapDescriptor>('mail', 'test/imap');
    expect(d).toEqual({ kind: 'imap', hostname: 'imap.example', port: 993, username: 'me', password: 'imap-secret', folders: ['INBOX', 'Lists'] });
    expect(JSON.stringify(d)).not.toContain('imap-secret');
    expect(inspect(d)).not.toContain('imap-secret');
    const bad = configError(() => loadYaml(tmp, 'mail: !test/imap\n  hostname: h\n  username: u\n  password: p\n  folders: [INBOX, [x]]\n'));
    expect(bad.message).toMatch(/:5:20: mail\.folders\[1\]: expected a string, got a list/);
  });

  it('accepts a zod schema; issues point at the key, and nested secrets are judged at build time', () => {
    const c = loadYaml(tmp, 'a: !test/zodfeed https://example.com/feed.xml\nb: !test/zodfeed {url: !skrode/env FEED_URL, every: 60}\n', { FEED_URL: 'https://e.com/x' });
    expect(c.get('a')).toEqual({ kind: 'feed', url: 'https://example.com/feed.xml', every: 3600 });
    expect(c.get('b')).toEqual({ kind: 'feed', url: 'https://e.com/x', every: 60 });
    const e = configError(() => loadYaml(tmp, 'x: 1\nb: !test/zodfeed\n  url: https://e.com/x\n  every: -5\n'));
    expect(e.message).toMatch(/config\.yml:4:3: b\.every: /);
    const bad = loadYaml(tmp, 'b: !test/zodfeed {url: !skrode/env FEED_URL}\n', { FEED_URL: 'not a url' });
    expect(configError(() => bad.get('b')).keyPath).toBe('b.url');
  });

  it('refuses a second registration of a tag unless replacing it', () => {
    expect(() => registerTag({ tag: 'skrode/redis', kinds: ['map'], build: () => 1 })).toThrow(/already registered/);
    expect(() => registerTag({ tag: 'Bad Name', kinds: ['map'], build: () => 1 })).toThrow(/bad tag name/);
    const original = getTag('test/imap')!;
    registerTag({ ...original, build: (v: object) => ({ kind: 'imap-client', ...v }) }, { replace: true });
    try {
      const c = loadYaml(tmp, 'm: !test/imap {hostname: h, username: u, password: p}\n');
      expect((c.get('m') as { kind: string }).kind).toBe('imap-client');
    } finally {
      registerTag(original, { replace: true });
    }
  });

  it('lists the known tags, built-ins included', () => {
    expect(knownTags()).toEqual(expect.arrayContaining(['skrode/env', 'skrode/keychain', 'skrode/queue', 'skrode/redis', 'skrode/sql', 'skrode/sqlite', 'skrode/twitter', 'test/imap']));
  });

  it('a tagged value nested in another through an alias is built once and shared', () => {
    registerTag({ tag: 'test/box', kinds: ['map'], build: (v: unknown) => ({ v }) });
    const c = loadYaml(tmp, 'a: &a !test/box {}\nb: !test/box {inner: *a}\n');
    expect((c.get('b') as { v: { inner: unknown } }).v.inner).toBe(c.get('a'));
    expect((c.lazy('b') as Lazy).isBuilt).toBe(true);
  });
});
