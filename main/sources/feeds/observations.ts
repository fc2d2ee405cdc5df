// A parsed feed as observations: the feed itself is an account (what the user reads), its
// authors are accounts, entries are broadcast posts with their links, and the feed's and the
// authors' home pages become identity evidence (a persona linked to a website).
import { createHash } from 'node:crypto';
import type { AccountSeen, NameSeen, Observation, PostSeen, Provenance } from '../../model/observations.js';
import type { FeedPerson, ParsedFeed } from './parse.js';

const MAX_ID = 1800;
const MAX_TEXT = 256 * 1024;

export function feedAccountId(feedUrl: string): string {
  return `feed+feed:${feedUrl}`;
}

export function siteAccountId(url: string): string {
  return `web+site:${url}`;
}

function bounded(local: string): string {
  // External ids are at most 2048 characters with no control characters.
  const clean = local.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return clean.length <= MAX_ID ? clean : `sha256:${createHash('sha256').update(clean).digest('hex')}`;
}

export function authorAccountId(feedUrl: string, p: FeedPerson): string {
  if (p.url) return `feed+author:${bounded(p.url)}`;
  return `feed+author:${bounded(`${feedUrl}#${p.name ?? p.email}`)}`;
}

export function entryPostId(feedUrl: string, key: string): string {
  return `feed+entry:${bounded(`${feedUrl}#${key}`)}`;
}

export interface FeedObservationOptions {
  provenance: Provenance;
  /** When the feed was fetched: accounts' seen times. */
  seenAt?: string;
}

export function feedToObservations(feedUrl: string, feed: ParsedFeed, opts: FeedObservationOptions): Observation[] {
  const out: Observation[] = [];
  const prov = (record?: string): Provenance => (record ? { ...opts.provenance, record } : opts.provenance);
  const feedId = feedAccountId(feedUrl);
  const feedNames: NameSeen[] = feed.title ? [{ name: feed.title.slice(0, 300), kind: 'display' }] : [];
  const feedAccount: AccountSeen = {
    type: 'account',
    externalId: feedId,
    names: feedNames,
    profile: { feedUrl, format: feed.format, ...(feed.homePage ? { url: feed.homePage } : {}), ...(feed.description ? { description: feed.description.slice(0, 2000) } : {}) },
    provenance: prov(),
  };
  if (opts.seenAt) feedAccount.seenAt = opts.seenAt;
  out.push(feedAccount);
  if (feed.homePage) {
    out.push({ type: 'evidence', a: feedId, b: siteAccountId(feed.homePage), kind: 'feed-home-page', proof: feedUrl, confidence: 0.6, provenance: prov() });
  }

  const authorsDone = new Set<string>();
  const authorObs = (p: FeedPerson, record: string): string => {
    const id = authorAccountId(feedUrl, p);
    if (authorsDone.has(id)) return id;
    authorsDone.add(id);
    const names: NameSeen[] = [];
    if (p.name) names.push({ name: p.name, kind: 'display' });
    if (p.email) names.push({ name: p.email, kind: 'email' });
    const a: AccountSeen = { type: 'account', externalId: id, names, profile: { ...(p.url ? { url: p.url } : {}), ...(p.avatar ? { avatar: p.avatar } : {}), feed: feedUrl }, provenance: prov(record) };
    if (opts.seenAt) a.seenAt = opts.seenAt;
    out.push(a);
    if (p.url) out.push({ type: 'evidence', a: id, b: siteAccountId(p.url), kind: 'feed-author-uri', proof: feedUrl, confidence: 0.8, provenance: prov(record) });
    if (p.email) out.push({ type: 'evidence', a: id, b: `email+addr:${p.email}`, kind: 'feed-author-email', proof: feedUrl, confidence: 0.7, provenance: prov(record) });
    return id;
  };
  for (const p of feed.authors) authorObs(p, 'feed author');

  const seenEntries = new Set<string>();
  feed.entries.forEach((e, i) => {
    const key = e.id ?? e.url ?? (e.text ? `sha256:${createHash('sha256').update(e.text).digest('hex').slice(0, 40)}` : undefined);
    const record = `entry ${i + 1}${e.id ? ` (${e.id.slice(0, 200)})` : ''}`;
    if (!key) return; // an empty entry: nothing to keep
    const postId = entryPostId(feedUrl, key);
    if (seenEntries.has(postId)) return;
    seenEntries.add(postId);
    const authors = e.authors.map((p) => authorObs(p, record));
    const post: PostSeen = {
      type: 'post',
      externalId: postId,
      poster: authors[0] ?? feedId,
      text: e.text.length > MAX_TEXT ? `${e.text.slice(0, MAX_TEXT)}\n[… truncated]` : e.text,
      distribution: [{ rel: 'broadcast' }],
      links: e.links,
      raw: { feed: feedUrl, ...(e.title ? { title: e.title } : {}), ...(e.id ? { guid: e.id } : {}), ...(authors.length > 1 ? { authors } : {}) },
      provenance: prov(record),
    };
    if (e.url) post.url = e.url;
    if (e.published) post.when = e.published;
    out.push(post);
  });
  return out;
}
