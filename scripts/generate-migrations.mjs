// Generates schema migrations for both dialects with drizzle-kit, then makes the Postgres ones
// schema-agnostic: drizzle-kit writes `"public"."accounts"` in foreign keys, but Skrode keeps its
// tables in a configurable schema reached through search_path.
//   node scripts/generate-migrations.mjs [--name NAME]
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
for (const cfg of ['drizzle.sqlite.config.ts', 'drizzle.pg.config.ts']) {
  execFileSync('npx', ['drizzle-kit', 'generate', '--config', cfg, ...args], { stdio: 'inherit' });
}
const dir = new URL('../migrations/postgres/', import.meta.url);
for (const f of readdirSync(dir).filter((f) => f.endsWith('.sql'))) {
  const path = new URL(f, dir);
  const sql = readFileSync(path, 'utf8');
  const fixed = sql.replaceAll('"public".', '');
  if (fixed !== sql) writeFileSync(path, fixed);
}
