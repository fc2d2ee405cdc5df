import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateBatch } from '../../model/validate.js';
import { decodeFeedBody } from './fetch.js';
import { feedToObservations } from './observations.js';
import { parseOpmlDocument } from './opml.js';
import { FeedParseError, parseFeedDocument, splitRssAuthor } from './parse.js';

const FIX = join(import.meta.dirname, '../../../test/fixtures/feeds');
const read = (f: string) => readFileSync(join(FIX, f), 'utf8');
const prov = { provenance: { source: 'test' } };

describe('feed parsing', () => {
  it('Atom: titles decoded, relative links resolved, XHTML content to text, feed authors inherited', () => {
    const f = parseFeedDocument(read('atom.xml'), 'https://ada.example.org/feeds/atom.xml');
    expect(f.format).toBe('atom');
    expect(f.title).toBe('Ada’s Notebook');
    expect(f.homePage).toBe('https://ada.example.org/');
    expect(f.entries).toHaveLength(2);
    const [e1, e2] = f.entries;
    expect(e1!.url).toBe('https://ada.example.org/posts/engine');
    expect(e1!.published).toBe('2026-01-09T10:00:00.000Z');
    expect(e1!.text).toBe('On the Analytical Engine\n\nIt weaves algebraic patterns.');
    expect(e1!.links).toEqual(['https://ada.example.org/posts/engine', 'https://patterns.example/jacquard']);
    expect(e1!.authors).toEqual([{ name: 'Ada Lovelace', email: 'ada@example.org', url: 'https://ada.example.org/about' }]);
    expect(e2!.authors).toEqual([{ name: 'Charles Babbage' }]);
    expect(e2!.published).toBe('2026-01-10T12:00:00.000Z');
  });

  it('RSS 2.0: guid, author email (name), dc:creator, content:encoded; bad date dropped', () => {
    const f = parseFeedDocument(read('rss2.xml'), 'https://engines.example/rss');
    expect(f.format).toBe('rss');
    expect(f.entries[0]).toMatchObject({ id: 'engines-1', url: 'https://engines.example/de2', published: '2026-01-05T10:00:00.000Z', authors: [{ name: 'Charles Babbage', email: 'charles@engines.example' }] });
    expect(f.entries[0]!.links).toContain('https://museum.example/de2');
    expect(f.entries[1]).toMatchObject({ id: 'https://engines.example/second', authors: [{ name: 'Mary Somerville' }], text: 'Second item\n\nBody with markup' });
    expect(f.entries[1]!.published).toBeUndefined();
    expect(splitRssAuthor('Ann <ann@x.example>')).toEqual({ name: 'Ann', email: 'ann@x.example' });
  });

  it('RSS 1.0 / RDF and JSON Feed (1.1 authors and 1.0 author)', () => {
    const r = parseFeedDocument(read('rdf.xml'), 'https://old.example/index.rdf');
    expect(r.format).toBe('rdf');
    expect(r.entries[0]).toMatchObject({ id: 'https://old.example/1', published: '2003-06-01T10:00:00.000Z', authors: [{ name: 'Grace Hopper' }] });
    const j = parseFeedDocument(read('feed.json'), 'https://json.example/feed.json');
    expect(j.format).toBe('json');
    expect(j.homePage).toBe('https://json.example/');
    expect(j.entries[0]).toMatchObject({ id: '1', authors: [{ name: 'Alan Turing', url: 'https://turing.example/' }] });
    expect(j.entries[0]!.links).toContain('https://turing.example/paper');
    expect(j.entries[1]).toMatchObject({ text: 'A note without title', authors: [{ name: 'Legacy Author' }] });
  });

  it('never expands entities: billion laughs and external entities stay literal text', () => {
    const f = parseFeedDocument(read('lol.xml'), 'https://lol.example/rss');
    expect(f.warnings[0]).toMatch(/entities are never expanded/);
    expect(f.title).toBe('Laughs &lol3;');
    expect(f.entries[0]!.title).toBe('Secret &xxe;');
    expect(f.entries[0]!.text.length).toBeLessThan(100);
    expect(f.entries[0]!.text).not.toContain('root:');
  });

  it('a document that is not a feed is a FeedParseError with the reason', () => {
    expect(() => parseFeedDocument(read('not-a-feed.html'), 'https://x.example/')).toThrow(FeedParseError);
    expect(() => parseFeedDocument('{"not": "a feed"}', 'https://x.example/')).toThrow(/not a feed/);
  });

  it('decodes charsets, including the common lies', () => {
    const latin = decodeFeedBody(readFileSync(join(FIX, 'latin1-declared-utf8.xml')), 'application/rss+xml; charset=utf-8');
    expect(latin.warnings[0]).toMatch(/not valid UTF-8/);
    expect(parseFeedDocument(latin.text, 'https://latin.example/').title).toBe('Café Latin');
    const utf = decodeFeedBody(readFileSync(join(FIX, 'utf8-declared-latin1.xml')), 'text/xml');
    expect(utf.warnings[0]).toMatch(/valid UTF-8/);
    expect(parseFeedDocument(utf.text, 'https://utf.example/').title).toBe('Café UTF');
    const unknown = decodeFeedBody(Buffer.from('<rss/>'), 'text/xml; charset=x-klingon');
    expect(unknown.warnings[0]).toMatch(/unknown charset "x-klingon"/);
    const sjis = decodeFeedBody(Buffer.from([0x82, 0xa0]), 'text/xml; charset=shift_jis');
    expect(sjis.text).toBe('あ');
  });
});

describe('feed observations', () => {
  it('authors become accounts, entries broadcast posts with links, home pages evidence', () => {
    const url = 'https://ada.example.org/feeds/atom.xml';
    const obs = feedToObservations(url, parseFeedDocument(read('atom.xml'), url), prov);
    expect(() => validateBatch(obs)).not.toThrow();
    expect(obs).toContainEqual(expect.objectContaining({ type: 'account', externalId: `feed+feed:${url}`, names: [{ name: 'Ada’s Notebook', kind: 'display' }] }));
    expect(obs).toContainEqual(expect.objectContaining({ type: 'account', externalId: 'feed+author:https://ada.example.org/about', names: [{ name: 'Ada Lovelace', kind: 'display' }, { name: 'ada@example.org', kind: 'email' }] }));
    expect(obs).toContainEqual(expect.objectContaining({ type: 'account', externalId: `feed+author:${url}#Charles Babbage` }));
    expect(obs).toContainEqual(expect.objectContaining({ type: 'evidence', a: `feed+feed:${url}`, b: 'web+site:https://ada.example.org/', kind: 'feed-home-page' }));
    expect(obs).toContainEqual(expect.objectContaining({ type: 'evidence', a: 'feed+author:https://ada.example.org/about', b: 'web+site:https://ada.example.org/about', kind: 'feed-author-uri' }));
    const post = obs.find((o) => o.type === 'post' && o.externalId === `feed+entry:${url}#tag:ada.example.org,2026:1`);
    expect(post).toMatchObject({ poster: 'feed+author:https://ada.example.org/about', distribution: [{ rel: 'broadcast' }], url: 'https://ada.example.org/posts/engine', when: '2026-01-09T10:00:00.000Z' });
  });
});

describe('OPML', () => {
  it('nested outlines are folders; bad and duplicate URLs reported or folded', () => {
    const r = parseOpmlDocument(read('subscriptions.opml'));
    expect(r.title).toBe('My subscriptions');
    expect(r.subscriptions).toEqual([
      { url: 'https://ada.example.org/feed.atom', title: "Ada's Notebook", htmlUrl: 'https://ada.example.org/', folder: [] },
      { url: 'https://engines.example/rss', title: 'Engines Weekly', htmlUrl: 'https://engines.example/', folder: ['Tech'] },
      { url: 'https://json.example/feed.json', title: 'JSON Journal', folder: ['Tech', 'Deep'] },
    ]);
    expect(r.problems).toEqual([expect.objectContaining({ record: 'body/outline[3] (Broken one)', reason: expect.stringMatching(/not an http/) })]);
  });

  it('entities in an OPML DOCTYPE are never expanded', () => {
    const r = parseOpmlDocument('<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml version="2.0"><head/><body><outline text="&x;" xmlUrl="https://a.example/f"/></body></opml>');
    expect(r.problems[0]!.reason).toMatch(/never expanded/);
    expect(r.subscriptions[0]!.title).toBe('&x;');
  });
});
