// The mail and feed importers against the PostgreSQL store: the same idempotency as on SQLite.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { postgresAvailable } from '../../../test/services.js';
import { freshPostgresStore } from '../../store/postgres/testing.js';
import { importOpml } from '../feeds/opml-importer.js';
import { importMaildir } from './maildir-importer.js';
import { importMbox } from './mbox-importer.js';

const FIX = join(import.meta.dirname, '../../../test/fixtures');
const quiet = { problem: () => {}, progress: () => {} };

describe.runIf(await postgresAvailable())('mail and OPML import into PostgreSQL', () => {
  it('importing the same mbox, Maildir and OPML twice leaves identical counts', async () => {
    const { store, cleanup } = await freshPostgresStore();
    try {
      const opts = { email: { self: ['me@example.net'] } };
      await importMbox(join(FIX, 'email/takeout.mbox'), { store, ...quiet, options: opts });
      await importMaildir(join(FIX, 'email/maildir'), { store, ...quiet, options: opts });
      await importOpml(join(FIX, 'feeds/subscriptions.opml'), { store, ...quiet });
      const c1 = await store.counts();
      expect(c1.posts).toBe(9); // 4 + 2 thread stubs from the mbox, 3 from the Maildir
      expect(c1.lists).toBe(3); // a mailing list and two feed folders
      await importMbox(join(FIX, 'email/takeout.mbox'), { store, ...quiet, options: { ...opts, fromStart: true } });
      await importMaildir(join(FIX, 'email/maildir'), { store, ...quiet, options: opts });
      await importOpml(join(FIX, 'feeds/subscriptions.opml'), { store, ...quiet });
      expect(await store.counts()).toEqual(c1);
      const me = await store.person('email+addr:me@example.net');
      expect(me?.kind === 'human' && me.human.isSelf).toBe(true);
    } finally {
      await cleanup();
    }
  });
});
