// OPML subscription lists: nested outlines are folders, outlines with an xmlUrl are feeds.
// Parsed by feedsmith after the DOCTYPE is removed, so no entity is ever expanded.
import { parseOpml } from 'feedsmith';
import { stripDoctype } from './parse.js';

export interface Subscription {
  /** The feed URL (absolute http/https). */
  url: string;
  title?: string;
  htmlUrl?: string;
  /** Folder path from the outline nesting, outermost first. */
  folder: string[];
}

export interface OpmlResult {
  title?: string;
  subscriptions: Subscription[];
  problems: { record: string; reason: string }[];
}

const MAX_DEPTH = 32;

export function looksLikeOpml(head: Buffer): boolean {
  const s = head.toString('utf8', 0, Math.min(head.length, 4096)).replace(/^\uFEFF/, '');
  return /^\s*(<\?xml[^>]*\?>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE[^>]*>\s*)?<opml[\s>]/i.test(s);
}

function httpUrl(u: string | undefined, base?: string): string | undefined {
  if (!u) return undefined;
  try {
    const url = new URL(u.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : undefined;
  } catch {
    return undefined;
  }
}

interface Outline {
  text?: string;
  title?: string;
  xmlUrl?: string;
  htmlUrl?: string;
  outlines?: Outline[];
}

export function parseOpmlDocument(doc: string): OpmlResult {
  const problems: OpmlResult['problems'] = [];
  const s = stripDoctype(doc.replace(/^\uFEFF/, ''));
  if (s.entities) problems.push({ record: 'DOCTYPE', reason: 'entity declarations ignored: entities are never expanded' });
  let parsed;
  try {
    parsed = parseOpml(s.xml);
  } catch (e) {
    const cause = (e as { cause?: Error }).cause;
    throw new Error(`not an OPML document: ${(e as Error).message}${cause ? `: ${cause.message}` : ''}`);
  }
  const subscriptions: Subscription[] = [];
  const seen = new Set<string>();
  const walk = (outlines: Outline[] | undefined, folder: string[], path: string) => {
    (outlines ?? []).forEach((o, i) => {
      const here = `${path}/outline[${i + 1}]`;
      const label = (o.title ?? o.text ?? '').trim();
      if (o.xmlUrl !== undefined) {
        const url = httpUrl(o.xmlUrl);
        if (!url) {
          problems.push({ record: `${here}${label ? ` (${label})` : ''}`, reason: `xmlUrl is not an http(s) URL: ${JSON.stringify(String(o.xmlUrl).slice(0, 100))}` });
        } else if (!seen.has(url)) {
          seen.add(url);
          const htmlUrl = httpUrl(o.htmlUrl);
          subscriptions.push({ url, folder, ...(label ? { title: label } : {}), ...(htmlUrl ? { htmlUrl } : {}) });
        }
      }
      if (o.outlines?.length) {
        if (folder.length >= MAX_DEPTH) problems.push({ record: here, reason: `outlines nested deeper than ${MAX_DEPTH}: ignored` });
        else walk(o.outlines, o.xmlUrl ? folder : [...folder, label || `folder ${i + 1}`], here);
      }
    });
  };
  walk(parsed.body?.outlines as Outline[] | undefined, [], 'body');
  return { ...(parsed.head?.title ? { title: parsed.head.title } : {}), subscriptions, problems };
}
