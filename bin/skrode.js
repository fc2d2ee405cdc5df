#!/usr/bin/env node
// The installed `skrode` command. The TypeScript sources are bundled into out/ by `npm run build`
// (run automatically by `npm ci` / `npm install` through the prepare script).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../out/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('skrode: out/cli.js is missing; run `npm run build` in the skrode checkout first.\n');
  process.exit(70);
}
await import(cli.href);
