import { afterAll } from 'vitest';
import { openSqlite } from '../store/sqlite/open.js';
import { insertPeopleSqlite } from './fixtures.js';
import { lookupSuite, PEOPLE } from './engine.suite.js';
import { SqliteLookupBackend } from './sqlite-backend.js';

const db = openSqlite(':memory:');
// The same suite over a database with an index on names (last_seen, fold), which switches the
// recency scan to its index-only form.
const indexed = openSqlite(':memory:');
indexed.exec('CREATE INDEX names_last_seen_fold ON names (last_seen, fold)');
afterAll(() => {
  db.close();
  indexed.close();
});

lookupSuite('sqlite', async () => {
  const inserted = insertPeopleSqlite(db, PEOPLE.map((p) => p.person));
  return { backend: new SqliteLookupBackend(db), inserted };
});

lookupSuite('sqlite, with an index on names (last_seen, fold)', async () => {
  const inserted = insertPeopleSqlite(indexed, PEOPLE.map((p) => p.person));
  return { backend: new SqliteLookupBackend(indexed), inserted };
});
