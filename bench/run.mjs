// `npm run bench [-- NAME... --scale N]`: runs each bench/<name>.bench.ts in its own process
// (so peak memory is its own) and prints their RESULT lines again at the end.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const passthrough = [];
const names = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--scale') passthrough.push('--scale', args[++i]);
  else names.push(args[i]);
}
const all = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).map((f) => f.replace(/\.bench\.ts$/, '')).sort();
const chosen = names.length ? names : all;
const unknown = chosen.filter((n) => !all.includes(n));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; have: ${all.join(', ')}`);
  process.exit(2);
}
const results = [];
let failed = 0;
for (const name of chosen) {
  console.log(`\n=== ${name}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', `${dir}/${name}.bench.ts`, ...passthrough], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 64 << 20 });
  process.stdout.write(r.stdout);
  const line = r.stdout.split('\n').filter((l) => l.startsWith('RESULT ')).at(-1);
  if (r.status !== 0 || !line) {
    failed++;
    results.push(`FAILED ${name} (exit ${r.status})`);
  } else results.push(line);
}
console.log('\n=== summary');
for (const l of results) console.log(l);
process.exit(failed ? 1 : 0);
