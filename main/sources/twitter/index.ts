// X/Twitter: the data-archive importer for `skrode import`, and (live/) the twitter-api-v2 workers.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { registerImporter, registeredImporters, type ImportContext, type Importer, type ImportSummary } from '../importer.js';
import { importXArchive, looksLikeXArchive } from './import-archive.js';
import { importHeapBound } from '../../util/heap-bound.js';
import { DEFAULT_SIGHTINGS_CAP } from '../sightings.js';
import { BatchWriter } from '../batch-writer.js';

export { importXArchive } from './import-archive.js';
export { generateArchive, generateArchiveZip } from './generate-archive.js';

const isFile = (p: string) => fsp.stat(p).then((s) => s.isFile(), () => false);

export const xArchiveImporter: Importer = {
  name: 'x-archive',
  description: 'X/Twitter data archive (the downloaded zip, or its unpacked folder)',
  async detect(path, { isDirectory, head }) {
    if (isDirectory) {
      if ((await isFile(join(path, 'data', 'manifest.js'))) || (await isFile(join(path, 'manifest.js')) && /(^|[/\\])data[/\\]?$/.test(path))) return 0.95;
      return (await isFile(join(path, 'data', 'tweets.js'))) || (await isFile(join(path, 'data', 'tweet.js'))) ? 0.8 : 0;
    }
    if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return (await looksLikeXArchive(path)) ? 0.95 : 0;
    return 0;
  },
  run: runXArchive,
};

async function runXArchive(path: string, ctx: ImportContext): Promise<ImportSummary> {
  let problems = 0;
  const problem: ImportContext['problem'] = (p) => {
    problems++;
    ctx.problem(p);
  };
  // Tweets come in batches of 2000 (1000 was ~15% slower), several to a transaction (bulk);
  // every mention of an account is a sighting, folded for the 300,000 accounts seen most
  // recently; the heap is kept near its live size. All measured on bench import-x-archive.
  const writer = new BatchWriter(ctx.store, {
    batchSize: 2000,
    maxInFlight: ctx.store.dialect === 'sqlite' ? 2 : 1,
    problem,
    foldSightings: DEFAULT_SIGHTINGS_CAP,
    bulk: true,
    heap: importHeapBound(),
  });
  const res = await importXArchive(path, {
    emit: (o) => writer.add(o),
    problem,
    progress: (p) => ctx.progress(p),
    signal: ctx.signal,
  });
  const applied = await writer.end();
  const counts: Record<string, number> = {};
  for (const [k, v] of Object.entries(res.counts)) if (k !== 'problems' && k !== 'observations') counts[k] = v;
  for (const [k, v] of Object.entries(applied)) counts[`new ${k}`] = v;
  return { importer: 'x-archive', path, observations: writer.observations, problems, counts };
}

/** Register the X importers once (safe to call again). */
export function registerTwitterImporters(): void {
  if (!registeredImporters().some((i) => i.name === xArchiveImporter.name)) registerImporter(xArchiveImporter);
}
