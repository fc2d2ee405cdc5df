// `skrode import contacts.vcf`: vCard 2.1 / 3.0 / 4.0 files with one or many cards, streamed;
// or a vdir folder of .vcf files (what `skrode export vcard --dir` and vdirsyncer write).
// Recognised by content (BEGIN:VCARD); a file named .vcf that holds something else is reported.

import { extname, join } from 'node:path';
import { BatchWriter } from '../batch-writer.js';
import { type Importer, type ImportContext, type ImportSummary } from '../importer.js';
import { CardReader, type CardEvent } from './cards.js';
import { cardObservations } from './card-observations.js';
import { headText, looksBinary, readTextLines } from './text-lines.js';
import { readdirSync, statSync } from 'node:fs';
import { readFileHead } from './head.js';

const BEGIN = /^\uFEFF?\s*BEGIN:VCARD\s*$/im;

export const vcardImporter: Importer = {
  name: 'vcard',
  description: 'vCard 2.1/3.0/4.0 address books (.vcf): Google, Apple, Thunderbird, Skrode exports',
  detect(path, { isDirectory, head }) {
    if (isDirectory) return vcfFiles(path, 1).length > 0 ? 0.7 : 0;
    const sample = headText(head.subarray(0, 64 * 1024));
    if (BEGIN.test(sample)) return 0.9;
    // Named like a vCard but not one: still claim it weakly, so the user hears why it failed.
    return ['.vcf', '.vcard'].includes(extname(path).toLowerCase()) ? 0.1 : 0;
  },
  run: (path, ctx) => (statSync(path).isDirectory() ? importVCardDir(path, ctx) : importVCardFile(path, ctx)),
};

/**
 * The .vcf files of a vdir (one card per file, as `skrode export vcard --dir` and vdirsyncer
 * write them), looking one level into sub-folders (one per address book), sorted.
 */
export function vcfFiles(dir: string, limit = Infinity): string[] {
  const out: string[] = [];
  const walk = (d: string, depth: number) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (out.length >= limit) return;
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isFile() && /\.(vcf|vcard)$/i.test(e.name)) out.push(p);
      else if (e.isDirectory() && depth > 0) walk(p, depth - 1);
    }
  };
  walk(dir, 1);
  return out;
}

export async function importVCardDir(dir: string, ctx: ImportContext): Promise<ImportSummary> {
  const summary: ImportSummary = { importer: 'vcard', path: dir, observations: 0, problems: 0, counts: { files: 0, cards: 0, skipped: 0 } };
  const files = vcfFiles(dir);
  for (const [i, file] of files.entries()) {
    if (ctx.signal?.aborted) break;
    const s = await importVCardFile(file, { ...ctx, progress: () => {} });
    summary.observations += s.observations;
    summary.problems += s.problems;
    summary.counts.files!++;
    summary.counts.cards! += s.counts.cards ?? 0;
    summary.counts.skipped! += s.counts.skipped ?? 0;
    ctx.progress({ done: i + 1, total: files.length, unit: 'items', label: 'vcard files' });
  }
  return summary;
}

export async function importVCardFile(path: string, ctx: ImportContext): Promise<ImportSummary> {
  const summary: ImportSummary = { importer: 'vcard', path, observations: 0, problems: 0, counts: { cards: 0, skipped: 0 } };
  const problem = (record: string | undefined, reason: string) => {
    summary.problems++;
    // The record names the line; the reason need not repeat it.
    ctx.problem(record ? { file: path, record, reason: reason.replace(/^line \d+: /, '') } : { file: path, reason });
  };
  const size = statSync(path).size;
  const head = await readFileHead(path, 64 * 1024);
  if (looksBinary(head)) {
    problem(undefined, 'not a vCard file: it holds binary data');
    return summary;
  }
  const writer = new BatchWriter(ctx.store);
  const reader = new CardReader();
  const { lines } = await readTextLines(path, head, ctx.signal);
  let bytes = 0;
  let lineNo = 0;
  // Problems before the first card wait: if no card ever comes, the one thing worth saying is
  // that this is not a vCard file.
  let sawCard = false;
  const early: CardEvent[] = [];
  const handle = async (e: CardEvent) => {
    if ('problem' in e) {
      if (!sawCard) early.push(e);
      else problem(`line ${e.problem.line}`, e.problem.reason);
      return;
    }
    if (!sawCard) {
      sawCard = true;
      for (const p of early) if ('problem' in p) problem(`line ${p.problem.line}`, p.problem.reason);
    }
    const result = cardObservations(e.card, { source: 'vcard', file: path });
    for (const p of result.problems) problem(`line ${p.line}`, p.reason);
    if (result.observations.length === 0) {
      summary.counts.skipped!++;
      return;
    }
    summary.counts.cards!++;
    for (const o of result.observations) await writer.add(o);
  };
  for await (const raw of lines) {
    lineNo++;
    bytes += raw.length + 1;
    for (const e of reader.push(raw)) await handle(e);
    if (lineNo % 5000 === 0) ctx.progress({ done: Math.min(bytes, size), total: size, unit: 'bytes', label: 'vcard' });
    if (ctx.signal?.aborted) break;
  }
  for (const e of reader.end()) await handle(e);
  await writer.flush();
  summary.observations = writer.observations;
  if (summary.counts.cards === 0 && summary.counts.skipped === 0) problem(undefined, 'no vCard found (no BEGIN:VCARD line): this is not a vCard file');
  ctx.progress({ done: size, total: size, unit: 'bytes', label: 'vcard' });
  return summary;
}
