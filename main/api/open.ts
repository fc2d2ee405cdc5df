// Opening the SkrodeApi over the store the user configured (`--db`, `-c`, or the defaults), for
// `skrode serve` and the desktop app: the store, the lookup backend and the post reader on the
// same database, the topology status from the same config.

import type { SettingsDto, SkrodeApi } from '../../shared/api.js';
import type { StoreDescriptor } from '../config/index.js';
import type { WriterCaller } from '../queue/sqlite/executor.js';
import { createSkrodeApi, type IngestControl } from './create.js';
import type { SecretKeeper } from './secrets.js';
import type { SettingsHolder } from './settings.js';

export interface OpenApiOptions {
  db?: string | undefined;
  config?: string | undefined;
  host: SettingsDto['host'];
  ingest?: IngestControl;
  settings?: SettingsHolder;
  /** The desktop app's popup window. */
  hidePopup?: () => void | Promise<void>;
  /** The desktop app's keychain; absent under `serve` (secrets are then refused). */
  secrets?: SecretKeeper;
  onSecretsChanged?: () => void;
}

export interface OpenedApi {
  api: SkrodeApi;
  store: StoreDescriptor;
  /** A SQLite store's writer, for the desktop app's topology to share (startTopology sqliteWriter). */
  sqliteWriter?: WriterCaller;
  close(): Promise<void>;
}

function publicUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparsable url)';
  }
}

export async function openApi(options: OpenApiOptions): Promise<OpenedApi> {
  const [{ configuredStore, openStore }, { fileSettings }, { dataDir, ensureDataDir }, { ConfigSources }] = await Promise.all([
    import('../store/from-config.js'),
    import('./settings.js'),
    import('../util/data-dir.js'),
    import('./sources.js'),
  ]);
  const target = await configuredStore({ db: options.db, config: options.config });
  const store = await openStore(target);
  try {
    let lookupBackend;
    let posts;
    let sqliteWriter: WriterCaller | undefined;
    if (target.kind === 'sqlite') {
      const [{ SqliteLookupBackend }, { SqlitePostReader }, { SqliteStore }] = await Promise.all([
        import('../lookup/sqlite-backend.js'),
        import('./posts-sqlite.js'),
        import('../store/sqlite/store.js'),
      ]);
      if (!(store instanceof SqliteStore)) throw new Error('expected a SQLite store');
      lookupBackend = new SqliteLookupBackend(store.readDb);
      posts = new SqlitePostReader(store.readDb);
      sqliteWriter = store.writer;
    } else {
      const [{ PostgresLookupBackend }, { PostgresPostReader }, { PostgresStore }] = await Promise.all([
        import('../lookup/postgres-backend.js'),
        import('./posts-postgres.js'),
        import('../store/postgres/store.js'),
      ]);
      if (!(store instanceof PostgresStore)) throw new Error('expected a Postgres store');
      lookupBackend = new PostgresLookupBackend(store.pool);
      posts = new PostgresPostReader(store.pool);
    }
    const status = async () => {
      const { topologyStatus } = await import('../topology/status.js');
      return topologyStatus({ ...(options.config !== undefined ? { config: options.config } : {}), ...(options.db !== undefined ? { db: options.db } : {}) });
    };
    const configuration = async () => {
      const { readConfiguration } = await import('./configuration.js');
      return readConfiguration(options.config);
    };
    const api = createSkrodeApi({
      store,
      lookup: lookupBackend,
      posts,
      storeInfo: target.kind === 'sqlite' ? { kind: 'sqlite', path: target.path } : { kind: 'postgres', url: publicUrl(target.url) },
      host: options.host,
      status,
      configuration,
      ...(options.ingest ? { ingest: options.ingest } : {}),
      ...(options.hidePopup ? { hidePopup: options.hidePopup } : {}),
      sources: new ConfigSources({ config: options.config }),
      ...(options.secrets ? { secrets: options.secrets } : {}),
      ...(options.onSecretsChanged ? { onSecretsChanged: options.onSecretsChanged } : {}),
      settings: options.settings ?? fileSettings(ensureDataDir(dataDir())),
    });
    return {
      api,
      store: target,
      ...(sqliteWriter ? { sqliteWriter } : {}),
      close: async () => {
        await api.close();
        await store.close();
      },
    };
  } catch (e) {
    await store.close();
    throw e;
  }
}
