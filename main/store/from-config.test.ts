// openConfiguredStore against the real adapters: SQLite files in temp folders, and PostgreSQL in a
// schema of its own when the server is reachable.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { configuredStore, openConfiguredStore } from './from-config.js';
import { PG_URL, postgresAvailable } from '../../test/services.js';
import { dropSchema, randomSchema } from './postgres/testing.js';
import type { Store } from './port.js';

let tmp: string;
let env: Record<string, string>;
const opened: Store[] = [];
beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'skrode-fromcfg-'));
  env = { SKRODE_HOME: path.join(tmp, 'home') };
});
afterEach(async () => {
  for (const s of opened.splice(0)) await s.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function open(options: Parameters<typeof openConfiguredStore>[0]): Promise<Store> {
  const s = await openConfiguredStore(options);
  opened.push(s);
  return s;
}

describe('openConfiguredStore (SQLite)', () => {
  it('--db wins over the config', async () => {
    const config = path.join(tmp, 'config.yml');
    writeFileSync(config, 'store: !skrode/sqlite from-config.db\n');
    expect(await configuredStore({ config, db: 'flag.db', cwd: tmp, env })).toEqual({ kind: 'sqlite', path: path.join(tmp, 'flag.db') });
    const store = await open({ config, db: path.join(tmp, 'flag.db'), env });
    expect(store.dialect).toBe('sqlite');
    expect((await store.counts()).humans).toBe(0);
    expect(existsSync(path.join(tmp, 'flag.db'))).toBe(true);
    expect(existsSync(path.join(tmp, 'from-config.db'))).toBe(false);
  });

  it('--db does not even read the config (a broken config does not matter)', async () => {
    const config = path.join(tmp, 'config.yml');
    writeFileSync(config, 'store: [unclosed\n');
    expect(await configuredStore({ config, db: path.join(tmp, 'x.db'), env })).toEqual({ kind: 'sqlite', path: path.join(tmp, 'x.db') });
    await expect(configuredStore({ config, env })).rejects.toThrow(/config\.yml:\d+:\d+: YAML syntax error/);
  });

  it('opens the config store: key', async () => {
    const config = path.join(tmp, 'config.yml');
    writeFileSync(config, 'store: !skrode/sqlite people.db\n');
    const store = await open({ config, env });
    expect(store.dialect).toBe('sqlite');
    expect(existsSync(path.join(tmp, 'people.db'))).toBe(true);
  });

  it('with no config at all, opens skrode.db in a new, private data folder', async () => {
    const store = await open({ cwd: tmp, env });
    expect(store.dialect).toBe('sqlite');
    const home = path.join(tmp, 'home');
    expect(existsSync(path.join(home, 'skrode.db'))).toBe(true);
    expect(statSync(home).mode & 0o777).toBe(0o700);
  });

  it('a SQLite user never loads pg', () => {
    const root = fileURLToPath(new URL('../..', import.meta.url));
    const script = path.join(tmp, 'probe.mts');
    writeFileSync(
      script,
      `import { createRequire } from 'node:module';
import { openConfiguredStore } from ${JSON.stringify(path.join(root, 'main/store/from-config.ts'))};
const s = await openConfiguredStore({ cwd: process.env.T, env: { SKRODE_HOME: process.env.T + '/h2' } });
await s.close();
const cache = Object.keys(createRequire(import.meta.url).cache);
console.log(JSON.stringify({ dialect: s.dialect, pg: cache.some((f) => /node_modules[\\\\/]pg[\\\\/]/.test(f)), modules: cache.length }));
`,
    );
    const out = execFileSync(process.execPath, ['--import', 'tsx', script], { cwd: root, env: { ...process.env, T: tmp }, encoding: 'utf8' });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toMatchObject({ dialect: 'sqlite', pg: false });
  }, 60_000);
});

describe.runIf(await postgresAvailable())('openConfiguredStore (PostgreSQL)', () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) await s.close();
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it('opens a !skrode/sql store given by url and schema', async () => {
    const schema = randomSchema('skrode_cfg');
    schemas.push(schema);
    const config = path.join(tmp, 'config.yml');
    writeFileSync(config, `store: !skrode/sql\n  url: !skrode/env SKRODE_TEST_PG_URL\n  schema: ${schema}\n`);
    const store = await open({ config, env: { ...env, SKRODE_TEST_PG_URL: PG_URL } });
    expect(store.dialect).toBe('postgres');
    expect((await store.counts()).humans).toBe(0);
  });

  it("opens the original's top-level sql: with its six keys", async () => {
    const schema = randomSchema('skrode_cfg');
    schemas.push(schema);
    const u = new URL(PG_URL);
    const config = path.join(tmp, 'config.yml');
    writeFileSync(
      config,
      `sql: &sql !skrode/sql
  dialect: postgresql+psycopg2
  hostname: ${u.hostname}
  port: ${u.port || 5432}
  username: ${decodeURIComponent(u.username) || 'postgres'}
  password: !skrode/env SKRODE_TEST_PG_PASSWORD
  database: ${u.pathname.slice(1)}
  schema: ${schema}
worker:
  session: *sql
`,
    );
    const store = await open({ config, env: { ...env, SKRODE_TEST_PG_PASSWORD: decodeURIComponent(u.password) || 'unused-with-trust-auth' } });
    expect(store.dialect).toBe('postgres');
    expect(await store.getCursor('test', 'k')).toBeNull();
  });
});
