import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runWhois } from '../lookup/whois.js';
import { importJsonl } from '../sources/jsonl/importer.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import { packageRoot } from '../util/worker-entry.js';
import { DEMO_QUERIES } from './commands/demo.js';

const out = process.stdout;

export async function runDemo(dirOption?: string): Promise<number> {
  let dir: string;
  if (dirOption) {
    dir = resolve(dirOption);
    if (existsSync(dir) && readdirSync(dir).length > 0) throw new Error(`demo: ${dir} is not empty; give a new or empty folder`);
    mkdirSync(dir, { recursive: true });
  } else dir = mkdtempSync(join(tmpdir(), 'skrode-demo-'));
  const db = join(dir, 'skrode.db');
  const sample = join(packageRoot(), 'resources', 'demo', 'people.jsonl');

  out.write(`Creating a demo database at ${db}\n`);
  const store = await openSqliteStore(db);
  let problems = 0;
  try {
    const summary = await importJsonl(sample, {
      store,
      problem: (p) => {
        problems++;
        process.stderr.write(`skrode: ${p.file}: ${p.record}: ${p.reason}\n`);
      },
      progress: () => {},
    });
    out.write(`Imported ${summary.observations} observations from the bundled sample (${sample}).\n`);

    // What a user would do by hand: Mira's personal persona and her company's are one human's.
    const personal = await store.personaOf('twitter+user:1048576001');
    const company = await store.personaOf('twitter+user:1048576777');
    if (personal && company) {
      const link = await store.linkPersona(null, personal, 'owns');
      await store.linkPersona(link.human, company, 'participates');
      out.write(`Linked Mira's personal persona (owns) and Okonkwo Labs (participates) under human ${link.human}.\n`);
    }
    const c = await store.counts();
    out.write(`The store now holds ${c.humans} humans, ${c.personas} personas, ${c.accounts} accounts, ${c.names} names and ${c.posts} posts.\n`);
  } finally {
    await store.close();
  }

  for (const q of DEMO_QUERIES) {
    out.write(`\n$ skrode --db ${db} whois ${q}\n`);
    await runWhois(q, { db, limit: 3 }, out, process.stderr);
  }
  out.write(`\nThe demo database is ${db}\nGo on with, for example:\n  npx skrode --db ${db} whois <part of a name, @handle or address>\n  npx skrode --db ${db} whois --json mira\n`);
  return problems > 0 ? 1 : 0;
}
