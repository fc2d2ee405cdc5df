// The Store contract (main/store/contract.ts) on PostgreSQL, in random schemas of this suite's
// own (dropped at the end). Each test gets an empty store: a schema is migrated once and then
// truncated between tests, which is far quicker than migrating one per test.

import { afterAll, describe } from 'vitest';
import { describeStoreContract } from '../contract.js';
import { postgresAvailable } from '../../../test/services.js';
import { schemaPool } from './testing.js';

describe.runIf(await postgresAvailable())('PostgreSQL', () => {
  const schemas = schemaPool();
  afterAll(() => schemas.dropAll());
  describeStoreContract('postgres', () => schemas.acquire());
});
