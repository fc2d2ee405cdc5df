// Bundles the Node side of Skrode with esbuild: the CLI, every worker-thread entry
// (main/**/*.worker.ts -> out/workers/<name>.js) and, when present, the Electron main and preload.
// Dependencies stay external (node_modules), so native modules load as usual.
import { build } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const watch = process.argv.includes('--watch');

function findWorkers(dir, found = []) {
  for (const entry of readdirSync(dir)) {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) findWorkers(p, found);
    else if (entry.endsWith('.worker.ts')) found.push(p);
  }
  return found;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: 'linked',
  logLevel: 'warning',
  absWorkingDir: root,
};

const esm = {
  ...common,
  format: 'esm',
  // Bundled ESM still meets CommonJS-only code paths in a few dependencies.
  banner: { js: "import { createRequire as __skrodeCreateRequire } from 'node:module'; const require = __skrodeCreateRequire(import.meta.url);" },
};

const jobs = [];
const entries = { cli: 'main/cli/index.ts' };
for (const w of findWorkers(join(root, 'main'))) entries[`workers/${basename(w, '.worker.ts')}`] = relative(root, w);
jobs.push(build({ ...esm, entryPoints: entries, outdir: 'out', splitting: true, chunkNames: 'chunks/[name]-[hash]' }));

// The Electron shell: CommonJS, because Electron's sandboxed preload can only be a single script.
if (existsSync(join(root, 'main/app/main.ts'))) {
  // import.meta.url (worker-entry.ts finds out/workers by it) is this bundle's own file URL.
  const importMetaUrl = { define: { 'import.meta.url': '__skrodeImportMetaUrl' }, banner: { js: "const __skrodeImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" } };
  jobs.push(build({ ...common, ...importMetaUrl, format: 'cjs', entryPoints: { 'app/main': 'main/app/main.ts' }, outdir: 'out', outExtension: { '.js': '.cjs' }, external: ['electron'] }));
}
if (existsSync(join(root, 'preload/index.ts'))) {
  jobs.push(build({ ...common, format: 'cjs', platform: 'node', packages: undefined, entryPoints: { preload: 'preload/index.ts' }, outdir: 'out', outExtension: { '.js': '.cjs' }, external: ['electron'] }));
}

await Promise.all(jobs);

// The renderer (both windows of the desktop app, and what `skrode serve` serves): Vite into out/renderer.
if (!watch && existsSync(join(root, 'renderer/index.html'))) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}
if (!watch) process.stdout.write(`built ${Object.keys(entries).length} node entries into out/\n`);
