// `skrode import ~/.emacs.d/bbdb`: Emacs BBDB files in formats 6 (BBDB 2), 7 and 9 (BBDB 3).
// Recognised by content: the `;;; file-format:` / `;;; file-version:` header, or a first line
// that is a record vector.

import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { BatchWriter } from '../batch-writer.js';
import { type Importer, type ImportContext, type ImportSummary } from '../importer.js';
import { NEWEST_FORMAT, readHeader, readRecords } from './file.js';
import { BbdbRecordError, parseRecord, recordObservations } from './record.js';

/** BBDB files are small (a big one is a few MB); anything past this is not a BBDB file. */
const MAX_SIZE = 256 * 1024 * 1024;
const HEADER = /^;+[ \t]*file-(?:format|version):[ \t]*\d+/m;

export const bbdbImporter: Importer = {
  name: 'bbdb',
  description: 'Emacs BBDB database (~/.emacs.d/bbdb, ~/.bbdb), file formats 6, 7 and 9',
  detect(path, { isDirectory, head }) {
    if (isDirectory) return 0;
    const sample = head.subarray(0, 16 * 1024).toString('utf8');
    if (HEADER.test(sample)) return 0.95;
    if (/^\[\s*(?:"|nil\b)/.test(sample)) return 0.6;
    return /^\.?bbdb$/i.test(basename(path)) ? 0.2 : 0;
  },
  run: importBbdbFile,
};

/** Reports a problem with the file and record; the reason need not repeat where. */
function reporter(path: string, ctx: ImportContext, summary: ImportSummary) {
  return (record: string | undefined, reason: string) => {
    summary.problems++;
    ctx.problem(record ? { file: path, record, reason: reason.replace(/^(?:record \d+ \(line \d+\)|line \d+): /, '') } : { file: path, reason });
  };
}

export async function importBbdbFile(path: string, ctx: ImportContext): Promise<ImportSummary> {
  const summary: ImportSummary = { importer: 'bbdb', path, observations: 0, problems: 0, counts: { records: 0, skipped: 0 } };
  const problem = reporter(path, ctx, summary);
  const size = (await stat(path)).size;
  if (size > MAX_SIZE) {
    problem(undefined, `file is ${size} bytes, more than the ${MAX_SIZE}-byte limit for a BBDB file; not imported`);
    return summary;
  }
  const bytes = await readFile(path);
  if (bytes.subarray(0, 8192).includes(0)) {
    problem(undefined, 'not a BBDB file: it holds binary data');
    return summary;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('latin1').decode(bytes);
    problem(undefined, 'the file is not valid UTF-8; read as Latin-1');
  }
  const result = await importBbdbText(text, path, ctx, summary);
  ctx.progress({ done: size, total: size, unit: 'bytes', label: 'bbdb' });
  return result;
}

/** Import BBDB text already in memory (the file importer and tests). */
export async function importBbdbText(text: string, path: string, ctx: ImportContext, summary: ImportSummary): Promise<ImportSummary> {
  const problem = reporter(path, ctx, summary);
  const header = readHeader(text);
  if (header.format !== undefined && header.format > NEWEST_FORMAT) {
    problem(undefined, `BBDB file format ${header.format} is newer than the newest this version reads (${NEWEST_FORMAT}); not imported`);
    return summary;
  }
  if (header.start >= text.length) {
    problem(undefined, header.format === undefined ? 'not a BBDB file: no file-format header and no record' : 'the BBDB file has no records');
    return summary;
  }
  const writer = new BatchWriter(ctx.store);
  const seenUuids = new Map<string, number>();
  for (const e of readRecords(text, header)) {
    if ('problem' in e) {
      problem(e.problem.index ? `record ${e.problem.index} (line ${e.problem.line})` : `line ${e.problem.line}`, e.problem.reason);
      if (e.problem.index) summary.counts.skipped!++;
      continue;
    }
    const where = `record ${e.index} (line ${e.line})`;
    let obs;
    try {
      const record = parseRecord(e.record);
      obs = recordObservations(record, { source: 'bbdb', file: path, record: where });
    } catch (err) {
      if (!(err instanceof BbdbRecordError)) throw err;
      problem(where, `${where}: ${err.message}; skipped`);
      summary.counts.skipped!++;
      continue;
    }
    for (const p of obs.problems) problem(where, `${where}: ${p}`);
    const dup = seenUuids.get(obs.uuid);
    if (dup !== undefined) {
      // BBDB itself refuses to load a file with a duplicate uuid; we keep the first record.
      problem(where, `${where}: uuid ${obs.uuid} was already used by record ${dup}; skipped`);
      summary.counts.skipped!++;
      continue;
    }
    seenUuids.set(obs.uuid, e.index);
    if (obs.observations.length === 0) {
      summary.counts.skipped!++;
      continue;
    }
    summary.counts.records!++;
    for (const o of obs.observations) await writer.add(o);
    if (ctx.signal?.aborted) break;
  }
  await writer.flush();
  summary.observations += writer.observations;
  return summary;
}
