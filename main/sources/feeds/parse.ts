// One shape for Atom, RSS 2.0, RSS 1.0/RDF and JSON Feed, parsed by feedsmith. XML arrives
// here already decoded to a string (see fetch.ts for charsets). A DOCTYPE is removed before
// parsing so no entity, internal or external, is ever expanded or resolved; undefined entity
// references then stay as literal text.
import { parseFeed } from 'feedsmith';
import { htmlToText, linksIn } from './html-text.js';

export interface FeedPerson {
  name?: string;
  email?: string;
  url?: string;
  avatar?: string;
}

export interface FeedEntry {
  /** guid / id / link: whatever identifies the entry within its feed. */
  id?: string;
  url?: string;
  title?: string;
  text: string;
  published?: string;
  authors: FeedPerson[];
  links: string[];
}

export interface ParsedFeed {
  format: 'atom' | 'rss' | 'rdf' | 'json';
  title?: string;
  homePage?: string;
  description?: string;
  authors: FeedPerson[];
  entries: FeedEntry[];
  /** Things worth telling the user that did not stop the parse (a DOCTYPE removed ...). */
  warnings: string[];
}

export class FeedParseError extends Error {
  override name = 'FeedParseError';
}

const DOCTYPE = /<!DOCTYPE(?:[^[>]|"[^"]*"|'[^']*')*(?:\[[\s\S]*?\]\s*)?>/i;
const MAX_ENTRIES = 5000;

/** Remove a DOCTYPE (and its internal subset of entity declarations). */
export function stripDoctype(xml: string): { xml: string; removed: boolean; entities: boolean } {
  const m = DOCTYPE.exec(xml.slice(0, 64 * 1024));
  if (!m) return { xml, removed: false, entities: false };
  return { xml: xml.slice(0, m.index) + xml.slice(m.index + m[0].length), removed: true, entities: /<!ENTITY/i.test(m[0]) };
}

function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (v && typeof v === 'object' && 'value' in v && typeof (v as { value: unknown }).value === 'string') {
    const t = v as { value: string; type?: string };
    const s = t.type === 'html' || t.type === 'xhtml' ? htmlToText(t.value) : t.value;
    return s.trim() || undefined;
  }
  return undefined;
}

function isoDate(v: unknown): string | undefined {
  if (typeof v !== 'string' && !(v instanceof Date)) return undefined;
  const t = v instanceof Date ? v.getTime() : Date.parse(v);
  return Number.isFinite(t) ? new Date(t).toISOString() : undefined;
}

function absolute(u: string | undefined, base: string): string | undefined {
  if (!u) return undefined;
  try {
    const url = new URL(u.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

function entryText(title: string | undefined, body: string): string {
  return title && body ? `${title}\n\n${body}` : (title ?? body);
}

/** "ann@example.org (Ann B)" or "Ann B <ann@example.org>" → name and email (RSS author). */
export function splitRssAuthor(s: string): FeedPerson {
  const paren = /^\s*([^\s()]+@[^\s()]+)\s*\(([^)]*)\)\s*$/.exec(s);
  if (paren) return { email: paren[1]!, name: paren[2]!.trim() || undefined } as FeedPerson;
  const angle = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(s);
  if (angle) return angle[1] ? { name: angle[1], email: angle[2]! } : { email: angle[2]! };
  if (/^[^\s@]+@[^\s@]+$/.test(s.trim())) return { email: s.trim() };
  return { name: s.trim() };
}

function clean(p: FeedPerson, base: string): FeedPerson | null {
  const out: FeedPerson = {};
  const name = p.name?.replace(/\s+/g, ' ').trim();
  if (name) out.name = name.slice(0, 200);
  if (p.email && /^[^\s@]+@[^\s@]+$/.test(p.email.trim())) out.email = p.email.trim().toLowerCase();
  const url = absolute(p.url, base);
  if (url) out.url = url;
  const avatar = absolute(p.avatar, base);
  if (avatar) out.avatar = avatar;
  return out.name || out.email || out.url ? out : null;
}

function people(list: (FeedPerson | null | undefined)[], base: string): FeedPerson[] {
  const out: FeedPerson[] = [];
  const seen = new Set<string>();
  for (const p of list) {
    if (!p) continue;
    const c = clean(p, base);
    if (!c) continue;
    const key = `${c.url ?? ''}|${c.email ?? ''}|${c.name ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(c);
  }
  return out;
}

/**
 * Parse a feed document. `feedUrl` resolves relative links. Throws FeedParseError with the
 * parser's reason when the document is not a feed at all; a broken entry is dropped with a
 * warning rather than failing the feed.
 */
export function parseFeedDocument(doc: string, feedUrl: string): ParsedFeed {
  const warnings: string[] = [];
  let input = doc.replace(/^\uFEFF/, '');
  if (!input.trimStart().startsWith('{')) {
    const s = stripDoctype(input);
    if (s.removed) warnings.push(s.entities ? 'DOCTYPE with entity declarations removed: entities are never expanded' : 'DOCTYPE removed');
    input = s.xml;
  }
  let parsed;
  try {
    parsed = parseFeed(input, { maxItems: MAX_ENTRIES });
  } catch (e) {
    const cause = (e as { cause?: Error }).cause;
    throw new FeedParseError(`not a feed (Atom, RSS, RDF or JSON Feed): ${(e as Error).message}${cause ? `: ${cause.message}` : ''}`);
  }
  const base = feedUrl;
  const entries: FeedEntry[] = [];
  if (parsed.format === 'atom') {
    const f = parsed.feed;
    const home = f.links?.find((l) => !l.rel || l.rel === 'alternate')?.href;
    const feedAuthors = people((f.authors ?? []).map((a) => ({ name: a.name, email: a.email, url: a.uri })), base);
    for (const e of f.entries ?? []) {
      const url = absolute(e.links?.find((l) => !l.rel || l.rel === 'alternate')?.href, base);
      const html = e.content?.value ?? e.summary?.value;
      const isHtml = (e.content?.value ? e.content.type : e.summary?.type) !== 'text';
      const body = html ? (isHtml ? htmlToText(html) : html.trim()) : '';
      const title = text(e.title);
      const authors = people((e.authors ?? []).map((a) => ({ name: a.name, email: a.email, url: a.uri })), base);
      entries.push({
        id: e.id?.trim() || url,
        url,
        title,
        text: entryText(title, body),
        published: isoDate(e.published) ?? isoDate(e.updated),
        authors: authors.length ? authors : feedAuthors,
        links: [...new Set([...(url ? [url] : []), ...(isHtml ? linksIn(html, url ?? base) : [])])],
      } as FeedEntry);
    }
    return { format: 'atom', title: text(f.title), homePage: absolute(home, base), description: text(f.subtitle), authors: feedAuthors, entries, warnings } as ParsedFeed;
  }
  if (parsed.format === 'rss') {
    const f = parsed.feed;
    const feedAuthors = people([...(f.dc?.creators ?? []).map((n) => ({ name: n })), ...(f.managingEditor ? [splitRssAuthor(String(f.managingEditor))] : [])], base);
    for (const it of f.items ?? []) {
      const url = absolute(it.link, base) ?? (it.guid?.isPermaLink !== false ? absolute(it.guid?.value, base) : undefined);
      const html = it.content?.encoded ?? it.description;
      const body = html ? htmlToText(html) : '';
      const title = it.title ? htmlToText(it.title) : undefined;
      const authors = people(
        [
          ...(it.authors ?? []).map((a) => ({ name: a.name, email: a.email, url: a.link })),
          ...(it.dc?.creators ?? []).map((n) => ({ name: n })),
        ],
        base,
      );
      entries.push({
        id: it.guid?.value?.trim() || url || undefined,
        url,
        title,
        text: entryText(title, body),
        published: isoDate(it.pubDate) ?? isoDate(it.dc?.dates?.[0]),
        authors: authors.length ? authors : feedAuthors,
        links: [...new Set([...(url ? [url] : []), ...linksIn(html, url ?? base)])],
      } as FeedEntry);
    }
    return { format: 'rss', title: f.title ? htmlToText(f.title) : undefined, homePage: absolute(f.link, base), description: f.description ? htmlToText(f.description) : undefined, authors: feedAuthors, entries, warnings } as ParsedFeed;
  }
  if (parsed.format === 'rdf') {
    const f = parsed.feed;
    for (const it of f.items ?? []) {
      const url = absolute(it.link, base) ?? absolute(it.rdf?.about, base);
      const html = it.content?.encoded ?? it.description;
      const title = it.title ? htmlToText(it.title) : undefined;
      entries.push({
        id: it.rdf?.about?.trim() || url,
        url,
        title,
        text: entryText(title, html ? htmlToText(html) : ''),
        published: isoDate(it.dc?.dates?.[0]),
        authors: people((it.dc?.creators ?? []).map((n) => ({ name: n })), base),
        links: [...new Set([...(url ? [url] : []), ...linksIn(html, url ?? base)])],
      } as FeedEntry);
    }
    return { format: 'rdf', title: f.title ? htmlToText(f.title) : undefined, homePage: absolute(f.link, base), description: f.description, authors: [], entries, warnings } as ParsedFeed;
  }
  const f = parsed.feed;
  const legacy = (f as { author?: FeedPerson }).author;
  const feedAuthors = people([...(f.authors ?? []), ...(legacy ? [legacy] : [])], base);
  for (const it of f.items ?? []) {
    const url = absolute(it.url, base);
    const html = it.content_html;
    const body = html ? htmlToText(html) : (it.content_text ?? it.summary ?? '');
    const itLegacy = (it as { author?: FeedPerson }).author;
    const authors = people([...(it.authors ?? []), ...(itLegacy ? [itLegacy] : [])], base);
    entries.push({
      id: typeof it.id === 'string' || typeof it.id === 'number' ? String(it.id).trim() || url : url,
      url,
      title: it.title,
      text: entryText(it.title, body.trim()),
      published: isoDate(it.date_published) ?? isoDate(it.date_modified),
      authors: authors.length ? authors : feedAuthors,
      links: [...new Set([...(url ? [url] : []), ...linksIn(html ?? it.content_text, url ?? base)])],
    } as FeedEntry);
  }
  return { format: 'json', title: f.title, homePage: absolute(f.home_page_url, base), description: f.description, authors: feedAuthors, entries, warnings } as ParsedFeed;
}
