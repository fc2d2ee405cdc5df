// The reads the periodic X workers make, on both store adapters: stubs to backfill, tombstones
// still holding content, live posts to re-check.
import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Observation } from '../../../model/observations.js';
import type { Store } from '../../../store/port.js';
import { freshPostgresStore } from '../../../store/postgres/testing.js';
import { openSqliteStore } from '../../../store/sqlite/index.js';
import { postgresAvailable } from '../../../../test/services.js';
import { livePosts, tombstonesWithContent, twitterStubs } from './post-queries.js';

const pgUp = await postgresAvailable();
const tmp = mkdtempSync(join(tmpdir(), 'skrode-xq-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const prov = { source: 'test' };
const batch: Observation[] = [
  { type: 'post', externalId: 'twitter+tweet:1', poster: 'twitter+user:9', text: 'one', refs: [{ rel: 'reply-to', post: 'twitter+tweet:2' }, { rel: 'quotes', post: 'twitter+tweet:3' }], provenance: prov },
  { type: 'post', externalId: 'twitter+tweet:4', poster: 'twitter+user:9', text: 'four', provenance: prov },
  { type: 'post', externalId: 'mastodon+status:5', provenance: prov },
  { type: 'tombstone', post: 'twitter+tweet:3', provenance: prov },
];

async function check(store: Store) {
  await store.apply(batch);
  expect(await twitterStubs(store, '', 10)).toEqual(['twitter+tweet:2']);
  expect(await twitterStubs(store, 'twitter+tweet:2', 10)).toEqual([]);
  expect(await livePosts(store, '', 10)).toEqual(['twitter+tweet:1', 'twitter+tweet:4']);
  expect(await livePosts(store, 'twitter+tweet:1', 1)).toEqual(['twitter+tweet:4']);
  // The store blanks a tombstone as it applies it: nothing left for the compliance sweep.
  expect(await tombstonesWithContent(store, '', 10)).toEqual([]);
}

describe('post queries for the X workers', () => {
  it('on SQLite', async () => {
    const store = await openSqliteStore(join(tmp, 'q.db'));
    try {
      await check(store);
    } finally {
      await store.close();
    }
  });

  it.runIf(pgUp)('on PostgreSQL', async () => {
    const t = await freshPostgresStore();
    try {
      await check(t.store);
    } finally {
      await t.cleanup();
    }
  });
});
