// Open the store the user configured: `--db PATH` (SQLite) wins; else the config's `store:` (a
// !skrode/sqlite or !skrode/sql), or the original's top-level `sql:`; else SQLite in the data
// folder. The adapters are imported only when used, so a SQLite user never loads pg.
import path from 'node:path';
import type { Store } from './port.js';
import type { LoadConfigOptions, StoreDescriptor } from '../config/index.js';
import { ensureDataDir } from '../util/data-dir.js';

export interface OpenConfiguredStoreOptions extends LoadConfigOptions {
  /** The `--db PATH` option: this SQLite file, whatever the config says. */
  db?: string | undefined;
}

/** Which store the options designate, without opening it (and without reading secrets unless the
 *  config's store needs them). */
export async function configuredStore(options: OpenConfiguredStoreOptions = {}): Promise<StoreDescriptor> {
  if (options.db !== undefined && options.db !== '') {
    const { expandHome } = await import('../util/data-dir.js');
    return { kind: 'sqlite', path: path.resolve(options.cwd ?? process.cwd(), expandHome(options.db)) };
  }
  const { loadConfig } = await import('../config/index.js');
  return loadConfig(options).store();
}

export async function openConfiguredStore(options: OpenConfiguredStoreOptions = {}): Promise<Store> {
  const target = await configuredStore(options);
  return openStore(target);
}

export async function openStore(target: StoreDescriptor): Promise<Store> {
  if (target.kind === 'sqlite') {
    // The default database lives in the data folder, which may not exist yet; keep it private.
    ensureDataDir(path.dirname(target.path));
    const { openSqliteStore } = await import('./sqlite/index.js');
    return openSqliteStore(target.path);
  }
  const { openPostgresStore } = await import('./postgres/index.js');
  return openPostgresStore(target.max === undefined ? { url: target.url, schema: target.schema } : { url: target.url, schema: target.schema, max: target.max });
}
