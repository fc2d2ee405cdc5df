// `skrode import FILE.jsonl`: observations as JSON lines (docs/observations.md), so users can
// feed Skrode from their own scripts in any language. Bad lines are reported with their line
// number and reason; the good lines are applied.

import { createReadStream, statSync } from 'node:fs';
import type { Observation } from '../../model/observations.js';
import { validateObservation } from '../../model/validate.js';
import type { ImportContext, Importer, ImportSummary } from '../importer.js';
import { splitLines } from './lines.js';

export const JSONL_FORMAT_VERSION = 1;
const BATCH = 2000;

interface Pending {
  line: number;
  obs: Observation;
}

function looksLikeJsonl(head: Buffer): boolean {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    return line.startsWith('{') && (/"skrode"\s*:\s*"observations"/.test(line) || /"type"\s*:\s*"(account|post|relationship|interaction|tombstone|evidence|identity|list|note)"/.test(line));
  }
  return false;
}

export const jsonlImporter: Importer = {
  name: 'jsonl',
  description: 'Skrode observations as JSON lines (docs/observations.md)',
  detect(path, { isDirectory, head }) {
    if (isDirectory) return 0;
    if (looksLikeJsonl(head)) return 0.9;
    return /\.(jsonl|ndjson)$/i.test(path) ? 0.3 : 0;
  },
  run: importJsonl,
};

export async function importJsonl(path: string, ctx: ImportContext): Promise<ImportSummary> {
  const total = statSync(path).size;
  const summary: ImportSummary = { importer: 'jsonl', path, observations: 0, problems: 0, counts: { lines: 0, applied: 0 } };
  const problem = (line: number, reason: string) => {
    summary.problems++;
    ctx.problem({ file: path, record: `line ${line}`, reason });
  };
  let batch: Pending[] = [];
  let bytes = 0;
  let sawData = false;

  const flush = async () => {
    if (batch.length === 0) return;
    const b = batch;
    batch = [];
    try {
      await ctx.store.apply(b.map((p) => p.obs));
      summary.counts.applied! += b.length;
    } catch {
      // The batch was rejected whole (nothing applied). Apply line by line so one bad record
      // does not cost the good ones, and name the bad line.
      for (const p of b) {
        try {
          await ctx.store.apply([p.obs]);
          summary.counts.applied!++;
        } catch (e) {
          problem(p.line, (e as Error).message);
        }
      }
    }
  };

  const stream = createReadStream(path, { highWaterMark: 256 * 1024 });
  stream.on('data', (c) => {
    bytes += c.length;
  });
  for await (const line of splitLines(stream)) {
    if (ctx.signal?.aborted) break;
    summary.counts.lines = line.no;
    if ('error' in line) {
      problem(line.no, line.error);
      continue;
    }
    const text = line.no === 1 ? line.text.replace(/^\uFEFF/, '') : line.text;
    if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      problem(line.no, `malformed JSON: ${(e as Error).message}`);
      continue;
    }
    if (!sawData && isHeader(value)) {
      const version = (value as { version?: unknown }).version;
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
        throw new Error(`${path}: line ${line.no}: header has no valid "version"`);
      }
      if (version > JSONL_FORMAT_VERSION) {
        throw new Error(`${path}: line ${line.no}: observation format version ${version} is newer than this Skrode reads (${JSONL_FORMAT_VERSION}); upgrade Skrode`);
      }
      sawData = true;
      continue;
    }
    sawData = true;
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && !('provenance' in value)) {
      (value as Record<string, unknown>).provenance = { source: 'jsonl', file: path, record: `line ${line.no}` };
    }
    let obs: Observation;
    try {
      obs = validateObservation(value);
    } catch (e) {
      problem(line.no, (e as Error).message);
      continue;
    }
    summary.observations++;
    batch.push({ line: line.no, obs });
    if (batch.length >= BATCH) {
      await flush();
      ctx.progress({ done: bytes, total, unit: 'bytes' });
    }
  }
  await flush();
  ctx.progress({ done: total, total, unit: 'bytes' });
  return summary;
}

function isHeader(v: unknown): boolean {
  return v !== null && typeof v === 'object' && (v as { skrode?: unknown }).skrode === 'observations' && !('type' in v);
}
