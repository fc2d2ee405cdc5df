// The benchmark harness. Each bench/<name>.bench.ts calls runBench() at top level; it parses
// `--scale N` (1 = the size the target is stated at; smaller for a quick look), runs the
// measurement and prints the RESULT line that `npm run bench` collects:
//   RESULT <name> value=<v> baseline=<b> ratio=<r> unit=<u>
// Every benchmark measures its baseline in the same run, on the same machine, so the ratio is
// meaningful on a shared, noisy machine where absolute numbers are not.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchContext {
  scale: number;
  /** A fresh temporary folder, removed after the run. */
  dir: string;
  log(msg: string): void;
}

export interface BenchResult {
  value: number;
  baseline: number;
  /** value / baseline unless the benchmark defines it otherwise (say so in `notes`). */
  ratio?: number;
  unit: string;
  /** Extra figures printed before the RESULT line (peak memory, p50, ...). */
  extra?: Record<string, string | number>;
}

export function parseScale(argv = process.argv): number {
  const i = argv.indexOf('--scale');
  const v = i >= 0 ? Number(argv[i + 1]) : Number(process.env.SKRODE_BENCH_SCALE ?? 1);
  if (!Number.isFinite(v) || v <= 0) throw new Error(`--scale wants a positive number, got ${argv[i + 1]}`);
  return v;
}

export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3);
}

export async function runBench(name: string, fn: (ctx: BenchContext) => Promise<BenchResult>): Promise<void> {
  const scale = parseScale();
  const dir = mkdtempSync(join(tmpdir(), `skrode-bench-${name}-`));
  const t0 = performance.now();
  try {
    const r = await fn({ scale, dir, log: (m) => process.stderr.write(`[${name}] ${m}\n`) });
    const ratio = r.ratio ?? r.value / r.baseline;
    for (const [k, v] of Object.entries(r.extra ?? {})) process.stdout.write(`${name}: ${k} = ${typeof v === 'number' ? fmt(v) : v}\n`);
    process.stdout.write(`${name}: scale ${scale}, ${((performance.now() - t0) / 1000).toFixed(1)} s in all\n`);
    process.stdout.write(`RESULT ${name} value=${fmt(r.value)} baseline=${fmt(r.baseline)} ratio=${fmt(ratio)} unit=${r.unit}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export { rng } from '../main/util/rng.js';

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

// Loaded with --import into the real CLI: samples the process's anonymous and file-backed
// (mmapped database) RSS and prints their peaks and the peak total (VmHWM) when it exits.
const HWM_PRELOAD =
  'data:text/javascript,import {readFileSync} from "node:fs"; let a = 0, f = 0; const kb = (s, k) => Number((new RegExp(k + ":\\\\s+(\\\\d+)").exec(s) || [0, 0])[1]); const sample = () => { const s = readFileSync("/proc/self/status", "utf8"); a = Math.max(a, kb(s, "RssAnon")); f = Math.max(f, kb(s, "RssFile")); return s; }; setInterval(sample, 100).unref(); process.on("exit", () => { const s = sample(); process.stderr.write("VMHWM " + kb(s, "VmHWM") + " ANON " + a + " FILE " + f + "\\n"); });';

export interface CliImportResult {
  /** As `skrode import` reports it: from the first record to the last, store opening excluded. */
  seconds: number;
  observations: number;
  problems: number;
  /** The importer's counts, `name -> number`, from its summary line. */
  counts: Record<string, number>;
  peakRssMB: number;
  peakAnonMB: number;
  peakFileMB: number;
}

/** Run the real `skrode import --quiet PATH` of the built CLI (bin/skrode.js → out/cli.js) into `db`. */
export function runSkrodeImport(path: string, db: string): CliImportResult {
  const bin = fileURLToPath(new URL('../bin/skrode.js', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', HWM_PRELOAD, bin, '--db', db, 'import', '--quiet', path], { encoding: 'utf8', maxBuffer: 16 << 20 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('imported '));
  const m = line ? /: (\d+) observations \((.*)\), (\d+) problems, ([\d.]+) s$/.exec(line) : null;
  if (r.status !== 0 || !m) throw new Error(`skrode import failed (exit ${r.status}): ${r.stdout.slice(-300)} ${r.stderr.slice(-1000)}`);
  const counts: Record<string, number> = {};
  for (const part of m[2]!.split(', ')) {
    const c = /^(\d+) (.+)$/.exec(part);
    if (c) counts[c[2]!] = Number(c[1]);
  }
  const hwm = /VMHWM (\d+) ANON (\d+) FILE (\d+)/.exec(r.stderr);
  return {
    seconds: Number(m[4]),
    observations: Number(m[1]),
    problems: Number(m[3]),
    counts,
    peakRssMB: hwm ? Number(hwm[1]) / 1024 : NaN,
    peakAnonMB: hwm ? Number(hwm[2]) / 1024 : NaN,
    peakFileMB: hwm ? Number(hwm[3]) / 1024 : NaN,
  };
}
