import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openSqlite } from '../../store/sqlite/open.js';
import { jobQueueContract } from '../contract.test-suite.js';
import { directExecutor } from './executor.js';
import { SqliteJobQueue } from './sqlite-queue.js';

// A real file (not :memory:), so competing consumers use separate connections as threads would.
const dir = mkdtempSync(join(tmpdir(), 'skrode-queue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const pathOf = new WeakMap<object, string>();
jobQueueContract('sqlite', async (options, sameAs) => {
  const path = (sameAs && pathOf.get(sameAs)) ?? join(dir, `q${n++}.db`);
  if (!sameAs) openSqlite(path).close();
  const q = new SqliteJobQueue('/queue/test/ready', directExecutor(openSqlite(path), { owned: true }), { ...options, pollMaxMs: 50 });
  pathOf.set(q, path);
  return q;
});

// The same contract through the SQLite writer thread (the app's path): needs the built
// out/workers/writer.js (`node scripts/build.mjs`).
import { SqliteStore } from '../../store/sqlite/store.js';
import { writerExecutor } from './executor.js';
let stores: SqliteStore[] = [];
afterAll(async () => {
  await Promise.all(stores.map((s) => s.close()));
  stores = [];
});
const storeOf = new WeakMap<object, SqliteStore>();
jobQueueContract('sqlite via the writer thread', async (options, sameAs) => {
  let store = sameAs && storeOf.get(sameAs);
  if (!store) stores.push((store = await SqliteStore.open(join(dir, `w${n++}.db`))));
  const q = new SqliteJobQueue('/queue/test/ready', writerExecutor(store.writer), { ...options, pollMaxMs: 50 });
  storeOf.set(q, store);
  return q;
});
