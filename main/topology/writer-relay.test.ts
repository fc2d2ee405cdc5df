// The writer relay with a real SQLite writer thread (out/workers/writer.js): calls and errors
// cross it intact, a store built on it writes through the one writer, and a closed relay fails
// calls instead of hanging them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreError } from '../store/port.js';
import { SqliteStore } from '../store/sqlite/store.js';
import { writerExecutor } from '../queue/sqlite/executor.js';
import { SqliteJobQueue } from '../queue/sqlite/sqlite-queue.js';
import { WriterRelayClient, WriterRelayHost } from './writer-relay.js';

const dir = mkdtempSync(join(tmpdir(), 'skrode-relay-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writer relay', () => {
  it('carries store writes, queue calls and errors to the one writer thread', async () => {
    const path = join(dir, 'r.db');
    const owner = await SqliteStore.open(path);
    const host = new WriterRelayHost(owner.writer);
    const client = new WriterRelayClient(host.connect());
    try {
      const store = SqliteStore.withWriter(path, client);
      const r = await store.apply([{ type: 'account', externalId: 'github+user:relay', names: [{ name: 'Relay Person', kind: 'display' }], provenance: { source: 'test' } }]);
      expect(r).toBeDefined();
      expect((await owner.counts()).accounts).toBe(1); // written by the owner's writer, seen by its reader
      const q = new SqliteJobQueue('/queue/relay', writerExecutor(client));
      await q.push({ a: 1 }, { dedupKey: 'k' });
      expect((await q.push({ a: 2 }, { dedupKey: 'k' })).duplicate).toBe(true);
      expect((await q.stats()).ready).toBe(1);
      const err = await client.call('no.such.method').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StoreError);
      expect((err as StoreError).kind).toBe('invalid');
      expect((err as Error).message).toContain('no writer method no.such.method');
    } finally {
      host.close();
      await new Promise((r) => setTimeout(r, 50));
      await expect(client.call('jobs.queues')).rejects.toThrow(/relay (closed|is closed)/);
      await owner.close();
    }
  });
});
