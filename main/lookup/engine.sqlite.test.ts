import { afterAll } from 'vitest';
import { openSqlite } from '../store/sqlite/open.js';
import { insertPeopleSqlite } from './fixtures.js';
import { lookupSuite, PEOPLE } from './engine.suite.js';
import { SqliteLookupBackend } from './sqlite-backend.js';

const db = openSqlite(':memory:');
afterAll(() => {
  db.close();
});

lookupSuite('sqlite', async () => {
  const inserted = insertPeopleSqlite(db, PEOPLE.map((p) => p.person));
  return { backend: new SqliteLookupBackend(db), inserted };
});

