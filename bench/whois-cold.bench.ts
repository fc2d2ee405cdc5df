// whois-cold: wall time of a whole `skrode whois` process (node bin/skrode.js --db X whois Q,
// start-up, open, lookup, print, exit) on a 100k-account database at scale 1, against
// `node -e 0` on the same machine in the same run. Median of several runs of each, interleaved
// so both see the same load. Target: ratio < 4.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fmt, percentile, runBench } from './lib.js';
import { cachedSyntheticDatabase } from '../main/lookup/synthetic.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const cacheDir = fileURLToPath(new URL('./.cache/', import.meta.url));

function wall(args: string[]): { ms: number; status: number | null } {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  return { ms: performance.now() - t, status: r.status };
}

await runBench('whois-cold', async ({ scale, log }) => {
  const accounts = Math.max(1000, Math.round(100_000 * scale));
  const { file, sample } = cachedSyntheticDatabase(cacheDir, accounts, log);
  if (!existsSync(`${root}/out/cli.js`)) {
    log('building out/ (npm run build)');
    const b = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, stdio: 'inherit' });
    if (b.status !== 0) throw new Error('build failed');
  }
  const patterns = [sample.lastNames[3]!.slice(0, 3), sample.displays[5]!, sample.handles[7]!, sample.emails[2]!, 'ma'];
  const runs = 11;
  const whois: number[] = [];
  const node: number[] = [];
  // One untimed run of each warms the OS file cache.
  wall(['-e', '0']);
  wall(['bin/skrode.js', '--db', file, 'whois', patterns[0]!]);
  for (let i = 0; i < runs; i++) {
    node.push(wall(['-e', '0']).ms);
    const r = wall(['bin/skrode.js', '--db', file, 'whois', patterns[i % patterns.length]!]);
    if (r.status !== 0) throw new Error(`skrode whois exited ${r.status} for ${patterns[i % patterns.length]}`);
    whois.push(r.ms);
  }
  whois.sort((a, b) => a - b);
  node.sort((a, b) => a - b);
  const value = percentile(whois, 50);
  const baseline = percentile(node, 50);
  return {
    value,
    baseline,
    unit: 'ms',
    extra: { accounts, runs, 'whois min/median/max ms': `${fmt(whois[0]!)} / ${fmt(value)} / ${fmt(whois.at(-1)!)}`, 'node -e 0 min/median/max ms': `${fmt(node[0]!)} / ${fmt(baseline)} / ${fmt(node.at(-1)!)}` },
  };
});
