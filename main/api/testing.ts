// For tests, e2e and benchmarks: a SkrodeApi over a fresh SQLite store in `dir`, filled with the
// bundled demo people (resources/demo/people.jsonl, fictional) the way `skrode demo` fills it.

import { join } from 'node:path';
import { importJsonl } from '../sources/jsonl/importer.js';
import type { Store } from '../store/port.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import { packageRoot } from '../util/worker-entry.js';
import { openApi, type OpenedApi } from './open.js';
import { memorySettings } from './settings.js';

export const DEMO_PEOPLE = join(packageRoot(), 'resources', 'demo', 'people.jsonl');

/** Create `<dir>/skrode.db` holding the demo people (Mira's two personas linked under one human). */
export async function createDemoDb(dir: string): Promise<string> {
  const db = join(dir, 'skrode.db');
  const store = await openSqliteStore(db);
  try {
    await fillDemo(store);
  } finally {
    await store.close();
  }
  return db;
}

/** Apply the demo people to any store, as `skrode demo` does. */
export async function fillDemo(store: Store): Promise<void> {
  const problems: string[] = [];
  await importJsonl(DEMO_PEOPLE, { store, problem: (p) => problems.push(p.reason), progress: () => {} });
  if (problems.length > 0) throw new Error(`demo import: ${problems.join('; ')}`);
  const personal = await store.personaOf('twitter+user:1048576001');
  const company = await store.personaOf('twitter+user:1048576777');
  if (personal && company) {
    const link = await store.linkPersona(null, personal, 'owns');
    await store.linkPersona(link.human, company, 'participates');
  }
}

export async function openDemoApi(dir: string): Promise<OpenedApi & { db: string }> {
  const db = await createDemoDb(dir);
  // An empty config file keeps the developer's own config.yml out of the test.
  const { writeFileSync } = await import('node:fs');
  const config = join(dir, 'config.yml');
  writeFileSync(config, '{}\n');
  const opened = await openApi({ db, config, host: 'serve', settings: memorySettings() });
  return { ...opened, db };
}
