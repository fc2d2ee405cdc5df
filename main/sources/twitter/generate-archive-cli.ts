// Make a synthetic X archive from the command line (for trying `skrode import`, or benchmarks):
//
//   npx tsx main/sources/twitter/generate-archive-cli.ts OUT_DIR --tweets 100000 [--seed 1] [--zip]
//
// Writes OUT_DIR/data/*.js (an unpacked archive) and, with --zip, OUT_DIR.zip as well.
import { generateArchive, generateArchiveZip } from './generate-archive.js';

function usage(msg?: string): never {
  if (msg) process.stderr.write(`${msg}\n`);
  process.stderr.write('usage: generate-archive-cli.ts OUT_DIR --tweets N [--seed S] [--zip] [--likes N] [--followers N]\n');
  process.exit(2);
}

const argv = process.argv.slice(2);
const out = argv[0] !== undefined && !argv[0].startsWith('--') ? argv[0] : undefined;
const num = (flag: string): number | undefined => {
  const i = argv.indexOf(flag);
  if (i < 0) return undefined;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 0) usage(`${flag} wants a whole number`);
  return v;
};
if (!out) usage();
const tweets = num('--tweets') ?? usage('--tweets N is required');
const opts = { tweets, seed: num('--seed') ?? 1, likes: num('--likes'), followers: num('--followers') };
const t0 = performance.now();
const g = argv.includes('--zip') ? await generateArchiveZip(out, `${out.replace(/\/$/, '')}.zip`, opts) : generateArchive(out, opts);
process.stdout.write(`${JSON.stringify({ dir: g.dir, ...('zip' in g ? { zip: g.zip } : {}), owner: g.ownerId, expect: g.expect, seconds: Number(((performance.now() - t0) / 1000).toFixed(1)) }, null, 2)}\n`);
