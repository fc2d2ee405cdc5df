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

jobQueueContract('sqlite', async (options) => {
  const path = join(dir, `q${n++}.db`);
  openSqlite(path).close();
  return new SqliteJobQueue('/queue/test/ready', directExecutor(openSqlite(path), { owned: true }), { ...options, pollMaxMs: 50 });
});
