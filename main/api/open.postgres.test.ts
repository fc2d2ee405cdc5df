// openApi over a Postgres store named by config.yml (`store: !skrode/sql`): the API the desktop
// app and serve get in a multi-host setup, with the config shown redacted.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PG_URL, postgresAvailable } from '../../test/services.js';

const available = await postgresAvailable();

describe.runIf(available)('openApi on Postgres', async () => {
  const { freshPostgresStore } = await import('../store/postgres/testing.js');
  const { fillDemo } = await import('./testing.js');
  const { openApi } = await import('./open.js');
  const { memorySettings } = await import('./settings.js');
  const t = await freshPostgresStore();
  await fillDemo(t.store);
  const dir = mkdtempSync(join(tmpdir(), 'skrode-api-pg-'));
  const config = join(dir, 'config.yml');
  const url = new URL(PG_URL);
  url.password = 'not-really-a-secret';
  writeFileSync(config, `store: !skrode/sql { url: "${url.toString()}", schema: ${t.schema} }\n`);
  const opened = await openApi({ config, host: 'serve', settings: memorySettings() });
  afterAll(async () => {
    await opened.close();
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('looks people up, searches posts and reads activity on the configured Postgres', async () => {
    const [hit] = await opened.api.lookup({ query: 'mira okonkwo' });
    expect(hit?.person.kind).toBe('human');
    expect((await opened.api.searchPosts({ text: 'allocator' })).length).toBe(3);
    expect((await opened.api.activity({ id: hit!.person.id })).posts.length).toBe(2);
  });

  it('shows the store without its password', async () => {
    const s = await opened.api.settings();
    expect(s.store.kind).toBe('postgres');
    expect(JSON.stringify(s)).not.toContain('not-really-a-secret');
    const c = await opened.api.configuration();
    expect(c.entries.map((e) => e.tag)).toEqual(['skrode/sql']);
    expect(JSON.stringify(c)).not.toContain('not-really-a-secret');
  });
});
