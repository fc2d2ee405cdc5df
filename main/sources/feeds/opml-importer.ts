// `skrode import subscriptions.opml`: each feed becomes an account (what the user reads), each
// folder a list of its feeds, each feed's web page identity evidence; the subscriptions are
// saved for the feed worker, which polls them.
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Observation } from '../../model/observations.js';
import { validateObservation } from '../../model/validate.js';
import { BatchWriter } from '../batch-writer.js';
import { type ImportContext, type ImportSummary, type Importer } from '../importer.js';
import { feedAccountId, siteAccountId } from './observations.js';
import { looksLikeOpml, parseOpmlDocument, type Subscription } from './opml.js';
import { addSubscriptions } from './subscriptions.js';

const MAX_OPML_BYTES = 32 * 1024 * 1024;

async function readCapped(path: string, max: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    if (size > max) throw new Error(`${path}: ${size} bytes is over the ${max}-byte limit for an OPML file`);
    const buf = Buffer.alloc(size);
    let got = 0;
    while (got < size) {
      const { bytesRead } = await fh.read(buf, got, size - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return buf.subarray(0, got);
  } finally {
    await fh.close();
  }
}

export function folderListId(folder: string[]): string {
  return `feed+folder:${folder.join('/')}`;
}

export function opmlObservations(subs: Subscription[], file: string): Observation[] {
  const out: Observation[] = [];
  const folders = new Map<string, { folder: string[]; members: string[] }>();
  subs.forEach((s, i) => {
    const provenance = { source: 'opml', file, record: `outline ${i + 1}${s.title ? ` (${s.title})` : ''}` };
    const id = feedAccountId(s.url);
    out.push({
      type: 'account',
      externalId: id,
      names: s.title ? [{ name: s.title.slice(0, 300), kind: 'display' }] : [],
      profile: { feedUrl: s.url, ...(s.htmlUrl ? { url: s.htmlUrl } : {}), ...(s.folder.length ? { folder: s.folder.join('/') } : {}) },
      provenance,
    });
    if (s.htmlUrl) out.push({ type: 'evidence', a: id, b: siteAccountId(s.htmlUrl), kind: 'feed-home-page', proof: s.url, confidence: 0.6, provenance });
    if (s.folder.length) {
      const key = s.folder.join('/');
      const f = folders.get(key) ?? { folder: s.folder, members: [] };
      f.members.push(id);
      folders.set(key, f);
    }
  });
  for (const f of folders.values()) {
    out.push({ type: 'list', externalId: folderListId(f.folder), name: f.folder.join(' / '), members: f.members, provenance: { source: 'opml', file, record: `folder ${f.folder.join('/')}` } });
  }
  return out;
}

export async function importOpml(path: string, ctx: ImportContext): Promise<ImportSummary> {
  const file = resolve(path);
  const buf = await readCapped(file, MAX_OPML_BYTES);
  const text = new TextDecoder('utf-8').decode(buf);
  const parsed = parseOpmlDocument(text);
  let problems = 0;
  for (const p of parsed.problems) {
    problems++;
    ctx.problem({ file, record: p.record, reason: p.reason });
  }
  const writer = new BatchWriter(ctx.store);
  for (const o of opmlObservations(parsed.subscriptions, file)) {
    try {
      await writer.add(validateObservation(o));
    } catch (e) {
      problems++;
      ctx.problem({ file, record: o.provenance.record ?? '', reason: (e as Error).message });
    }
  }
  await writer.flush();
  const added = await addSubscriptions(ctx.store, parsed.subscriptions);
  ctx.progress({ done: parsed.subscriptions.length, total: parsed.subscriptions.length, unit: 'items', label: 'opml' });
  return { importer: 'opml', path: file, observations: writer.observations, problems, counts: { feeds: parsed.subscriptions.length, newSubscriptions: added } };
}

export const opmlImporter: Importer = {
  name: 'opml',
  description: 'An OPML subscription list (feeds; nested outlines are folders)',
  detect(_path, info) {
    return !info.isDirectory && looksLikeOpml(info.head) ? 0.95 : 0;
  },
  run: (path, ctx) => importOpml(path, ctx),
};
