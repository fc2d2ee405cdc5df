// The body of `skrode import`, loaded only when the command runs.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { registerAllImporters, registeredImporters } from '../sources/all.js';
import type { Importer, ImportProblem } from '../sources/importer.js';
import type { Store } from '../store/port.js';
import { ProgressBar } from './progress.js';

const MAX_PRINTED_PROBLEMS = 50;

export async function listImporters(): Promise<string> {
  await registerAllImporters();
  return registeredImporters().map((i) => `${i.name.padEnd(14)} ${i.description}\n`).join('');
}

function readHead(path: string, bytes = 64 * 1024): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

export async function chooseImporter(path: string, forced?: string): Promise<Importer> {
  await registerAllImporters();
  const all = registeredImporters();
  if (forced) {
    const i = all.find((x) => x.name === forced);
    if (!i) throw new Error(`import: no importer named ${forced}; have: ${all.map((x) => x.name).join(', ')}`);
    return i;
  }
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new Error(`import: ${path}: no such file or folder`);
  }
  const info = { isDirectory: st.isDirectory(), head: st.isDirectory() ? Buffer.alloc(0) : readHead(path) };
  let best: { imp: Importer; score: number } | undefined;
  for (const imp of all) {
    const score = await imp.detect(path, info);
    if (score > 0 && (!best || score > best.score)) best = { imp, score };
  }
  if (!best) throw new Error(`import: ${path}: not a format Skrode recognises (try --list, or --as NAME)`);
  return best.imp;
}

// Config sections that importers read (the email capture policy, feed settings): plain data,
// passed as ImportContext.options. Only these are resolved, so no connection is built.
const IMPORTER_SECTIONS = ['email', 'feeds'] as const;

export async function importerOptions(configFile: string | undefined): Promise<Record<string, unknown>> {
  const { loadConfig } = await import('../config/index.js');
  const config = loadConfig({ config: configFile });
  const options: Record<string, unknown> = {};
  for (const key of IMPORTER_SECTIONS) if (config.has(key)) options[key] = config.resolve(key);
  return options;
}

export async function runImport(
  store: Store,
  paths: string[],
  opts: { as?: string; quiet?: boolean; options?: Record<string, unknown> },
): Promise<number> {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts++;
    if (interrupts === 1) {
      process.stderr.write('\nskrode: stopping after the current batch (press Ctrl-C again to stop at once)\n');
      controller.abort();
    } else process.exit(130);
  };
  process.on('SIGINT', onSignal);
  let problems = 0;
  try {
    for (const path of paths) {
      const importer = await chooseImporter(path, opts.as);
      const bar = new ProgressBar(process.stderr, !opts.quiet && Boolean(process.stderr.isTTY));
      let printed = 0;
      const problem = (p: ImportProblem) => {
        problems++;
        if (printed++ < MAX_PRINTED_PROBLEMS) process.stderr.write(`${bar ? '\n' : ''}skrode: ${p.file}${p.record ? `: ${p.record}` : ''}: ${p.reason}\n`);
      };
      const t0 = Date.now();
      const summary = await importer.run(path, { store, problem, progress: (p) => bar.update(p), signal: controller.signal, options: opts.options ?? {} });
      bar.done();
      if (printed > MAX_PRINTED_PROBLEMS) process.stderr.write(`skrode: ... and ${printed - MAX_PRINTED_PROBLEMS} more problems\n`);
      const counts = Object.entries(summary.counts).map(([k, v]) => `${v} ${k}`).join(', ');
      process.stdout.write(
        `imported ${path} as ${importer.name}: ${summary.observations} observations${counts ? ` (${counts})` : ''}, ${summary.problems} problems, ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
      );
      if (controller.signal.aborted) break;
    }
  } finally {
    process.off('SIGINT', onSignal);
  }
  return problems > 0 ? 1 : 0;
}
