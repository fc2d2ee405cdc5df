// Where a worker thread's bundled entry lives. Worker threads run the esbuild output
// (out/workers/<name>.js), so the same path works from the CLI, the tests and the app.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/** The package root: the nearest folder above this module holding Skrode's package.json. */
export function packageRoot(): string {
  if (cachedRoot) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'migrations'))) return (cachedRoot = dir);
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the skrode package root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

export function workerEntry(name: string): URL {
  const file = join(packageRoot(), 'out', 'workers', `${name}.js`);
  if (!existsSync(file)) throw new Error(`worker entry ${file} is missing; run \`npm run build\``);
  return new URL(`file://${file}`);
}
