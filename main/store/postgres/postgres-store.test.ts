// The Store contract (main/store/contract.ts) on PostgreSQL: each test gets a fresh schema of
// its own (random name), dropped in cleanup.

import { describe } from 'vitest';
import { describeStoreContract } from '../contract.js';
import { postgresAvailable } from '../../../test/services.js';
import { freshPostgresStore } from './testing.js';

describe.runIf(await postgresAvailable())('PostgreSQL', () => {
  describeStoreContract('postgres', async () => {
    const t = await freshPostgresStore();
    return { store: t.store, cleanup: t.cleanup };
  });
});
