// import-mbox: messages per second importing a generated Takeout-style mbox into the SQLite store
// through `skrode import`'s mbox importer (split, parse, capture policies, store apply, resume
// cursor), against a baseline in the same run: split and parse the same mbox with mailparser
// without storing anything. Scale 1 = a 1 GB mbox. Target: ratio ≥ 0.5; peak RSS < 300 MB.
//
// Each phase runs in a fresh child process, so its peak RSS (VmHWM) is its own and not what the
// generator or the other phase left behind. The baseline runs before and after the import and
// their times are averaged, which evens out the load of a shared machine drifting during the run.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBench, runSkrodeImport } from './lib.js';

interface PhaseResult {
  messages: number;
  seconds: number;
  peakRssMB: number;
  peakAnonMB: number;
  peakFileMB?: number;
  observations?: number;
  posts?: number;
  accounts?: number;
  problems?: number;
}

function procStatusMB(field: string): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync('/proc/self/status', 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function childPhase(phase: string, mbox: string): Promise<PhaseResult> {
  let peakAnon = 0;
  const sampler = setInterval(() => (peakAnon = Math.max(peakAnon, procStatusMB('RssAnon'))), 50);
  // Timed from the first message to the last: module loading and opening the store are not
  // part of either rate.
  let t0 = 0;
  let seconds = 0;
  let r: Omit<PhaseResult, 'seconds' | 'peakRssMB' | 'peakAnonMB'>;
  if (phase === 'baseline') {
    const { splitMbox } = await import('../main/sources/email/mbox-split.js');
    const { parseMessage } = await import('../main/sources/email/capture.js');
    t0 = performance.now();
    let messages = 0;
    for await (const m of splitMbox(mbox)) {
      await parseMessage(m.data, m.truncated);
      messages++;
    }
    seconds = (performance.now() - t0) / 1000;
    r = { messages };
  } else throw new Error(`unknown phase ${phase}`);
  clearInterval(sampler);
  return { ...r, seconds, peakRssMB: procStatusMB('VmHWM'), peakAnonMB: Math.max(peakAnon, procStatusMB('RssAnon')) };
}

const childIdx = process.argv.indexOf('--child');
if (childIdx >= 0) {
  const [phase, mbox] = process.argv.slice(childIdx + 1);
  const r = await childPhase(phase!, mbox!);
  process.stdout.write(`PHASE ${JSON.stringify(r)}\n`);
  process.exit(0);
}

/** The import phase is the real `skrode import` of the built CLI. */
function runCliImport(mbox: string, db: string): PhaseResult {
  const r = runSkrodeImport(mbox, db);
  return { ...r, messages: r.counts.read ?? 0 };
}

function runPhase(phase: 'baseline', mbox: string, db: string): PhaseResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', phase, mbox, db], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('PHASE '));
  if (r.status !== 0 || !line) throw new Error(`${phase} phase failed (exit ${r.status}): ${r.stdout.slice(-500)}`);
  return JSON.parse(line.slice(6)) as PhaseResult;
}

await runBench('import-mbox', async ({ scale, dir, log }) => {
  const { generateMbox } = await import('../main/sources/email/generate-mbox.js');
  const bytes = Math.max(1 << 20, Math.round(1024 ** 3 * scale));
  log(`generating a ${(bytes / 2 ** 20).toFixed(0)} MB mbox`);
  const g = await generateMbox(join(dir, 'takeout.mbox'), { bytes, seed: 1 });
  log(`${g.messages} messages`);

  const before = runPhase('baseline', g.path, '');
  log(`baseline (before): ${before.seconds.toFixed(1)} s`);
  const imp = runCliImport(g.path, join(dir, 'skrode.db'));
  log(`import: ${imp.seconds.toFixed(1)} s, ${imp.observations} observations`);
  const after = runPhase('baseline', g.path, '');
  log(`baseline (after): ${after.seconds.toFixed(1)} s`);
  for (const p of [before, imp, after]) if (p.messages !== g.messages) throw new Error(`a phase read ${p.messages} messages, expected ${g.messages}`);
  if (imp.problems) throw new Error(`${imp.problems} problems importing a clean mbox`);

  // The mean time of the two baseline runs (not the mean of their rates, which the faster run would dominate).
  const baseRate = g.messages / ((before.seconds + after.seconds) / 2);
  return {
    value: g.messages / imp.seconds,
    baseline: baseRate,
    unit: 'messages/s',
    extra: {
      messages: g.messages,
      'mbox MB': g.bytes / 2 ** 20,
      'import seconds': imp.seconds,
      'baseline seconds (before, after)': `${before.seconds.toFixed(1)}, ${after.seconds.toFixed(1)}`,
      observations: imp.observations ?? 0,
      'peak RSS MB (skrode import process, VmHWM)': imp.peakRssMB,
      'peak anonymous RSS MB (import process: heaps, SQLite caches)': imp.peakAnonMB,
      'peak file-backed RSS MB (import process: code, mmapped database pages)': imp.peakFileMB ?? NaN,
      'peak RSS MB (baseline process)': Math.max(before.peakRssMB, after.peakRssMB),
    },
  };
});
