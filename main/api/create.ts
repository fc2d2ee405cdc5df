// createSkrodeApi: the one implementation of the SkrodeApi contract (shared/api.ts), over the
// Store port, the lookup engine, a PostReader and the importer registry. The Electron IPC
// handlers and `skrode serve` both call this object (through ./dispatch.ts, which validates the
// arguments first), so the renderer sees the same behaviour under both.

import type { ConfigurationDto, ImportJobDto, PostDto, SaveSourceResultDto, SettingsDto, SkrodeApi } from '../../shared/api.js';
import type { LookupHit, PersonDto } from '../../shared/people.js';
import type { TopologyStatusDto } from '../../shared/topology.js';
import { personToVCard, vdirFileName } from '../export/vcard/person-card.js';
import type { LookupBackend } from '../lookup/backend.js';
import { lookup } from '../lookup/engine.js';
import { acceptSuggestion, dismissSuggestion } from '../sources/email/suggestions.js';
import type { Store } from '../store/port.js';
import { ApiError } from './errors.js';
import { ImportJobs } from './import-jobs.js';
import type { PostReader } from './posts.js';
import { deleteSecret, saveSecret, secretsDto, type SecretKeeper } from './secrets.js';
import { memorySettings, type SettingsHolder } from './settings.js';
import { referencedSecretNames, sourceTypes, type ConfigSources } from './sources.js';

export interface IngestControl {
  paused(): boolean;
  setPaused(paused: boolean): void | Promise<void>;
  /** Stop gracefully and start again from the config (after config.yml or a secret changed). */
  reload?(): Promise<void>;
}

export interface SkrodeApiDeps {
  store: Store;
  lookup: LookupBackend;
  posts: PostReader;
  /** What the settings page shows about the store (no secrets). */
  storeInfo: SettingsDto['store'];
  host: SettingsDto['host'];
  /** The topology's status; absent where no topology is configured. */
  status?: () => Promise<TopologyStatusDto>;
  /** Hides the lookup popup window (the desktop app); absent under serve, where it does nothing. */
  hidePopup?: () => void | Promise<void>;
  /** What config.yml configures; absent when no config is in play. */
  configuration?: () => Promise<ConfigurationDto>;
  /** The background ingestion of the desktop app; absent under `serve`. */
  ingest?: IngestControl;
  settings?: SettingsHolder;
  imports?: ImportJobs;
  /** config.yml's sources, for the Sources page; absent: nothing can be added here. */
  sources?: ConfigSources;
  /** The keychain (the desktop app); absent under `serve`, where secrets are refused. */
  secrets?: SecretKeeper;
  /** Called after a secret was stored or removed (the desktop app reloads its workers' tokens). */
  onSecretsChanged?: () => void;
  /** The environment secrets may be set in instead (default process.env). */
  env?: Readonly<Record<string, string | undefined>>;
}

export const DEFAULT_LOOKUP_LIMIT = 8;
export const DEFAULT_POSTS_LIMIT = 50;
export const DEFAULT_SUGGESTIONS_LIMIT = 100;
const DAY_MS = 86_400_000;

/** Every account (external id) of a person, whatever their personas. */
export function accountsOf(person: PersonDto): string[] {
  const personas = person.kind === 'human' ? person.human.personas : [person.persona];
  return personas.flatMap((p) => p.accounts.map((a) => a.externalId));
}

function timeBound(value: string | undefined, what: string, endOfDay: boolean): number | undefined {
  if (value === undefined) return undefined;
  const bareDate = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const ms = Date.parse(bareDate ? `${value}T00:00:00Z` : value);
  if (!Number.isFinite(ms)) throw new ApiError(`${what}: not a date: ${value}`, 'invalid');
  return bareDate && endOfDay ? ms + DAY_MS : ms;
}

export function createSkrodeApi(deps: SkrodeApiDeps): SkrodeApi & { close(): Promise<void> } {
  const settings = deps.settings ?? memorySettings();
  const imports = deps.imports ?? new ImportJobs(deps.store);

  const env = deps.env ?? process.env;
  const noSources = () => new ApiError('no config.yml is in play in this process, so sources cannot be changed here', 'unavailable');

  /** After config.yml changed: the ingestion of this process restarts gracefully, if it runs here. */
  const afterChange = (): string => {
    if (deps.ingest?.reload) {
      if (deps.ingest.paused()) return 'Ingestion is paused; it uses the change when resumed.';
      void deps.ingest.reload().catch(() => {});
      return 'The ingestion restarts with the change (items in hand are finished first; see the status page).';
    }
    return 'No ingestion runs in this process; a running `skrode topology run` follows config.yml and restarts with the change (items in hand are finished first).';
  };
  const withIngestion = (r: SaveSourceResultDto): SaveSourceResultDto => (r.ok ? { ...r, ingestion: afterChange() } : r);

  const settingsDto = (): SettingsDto => ({
    hotkey: settings.get().hotkey,
    store: deps.storeInfo,
    ingestPaused: deps.ingest?.paused() ?? false,
    host: deps.host,
  });

  return {
    async lookup({ query, limit }): Promise<LookupHit[]> {
      const hits = await lookup(deps.lookup, deps.store, query, { limit: limit ?? DEFAULT_LOOKUP_LIMIT });
      // Two matched personas of one human come back as the same human: show it once.
      const seen = new Set<string>();
      return hits.filter((h) => !seen.has(h.person.id) && seen.add(h.person.id));
    },

    person: ({ id }) => deps.store.person(id),

    async activity({ id, limit }) {
      const person = await deps.store.person(id);
      if (!person) throw new ApiError(`no person ${id}`, 'not-found');
      const accounts = accountsOf(person);
      const [posts, lastInteraction] = await Promise.all([deps.posts.recent(accounts, limit ?? 20), deps.posts.lastInteraction(accounts)]);
      return { posts, lastInteraction };
    },

    async searchPosts(q): Promise<PostDto[]> {
      let posters: string[] | undefined;
      if (q.person !== undefined) {
        const person = await deps.store.person(q.person);
        if (!person) return [];
        posters = accountsOf(person);
      }
      const fromMs = timeBound(q.from, 'from', false);
      const toMs = timeBound(q.to, 'to', true);
      return deps.posts.search({
        text: q.text,
        limit: q.limit ?? DEFAULT_POSTS_LIMIT,
        ...(posters ? { posters } : {}),
        ...(q.service !== undefined ? { service: q.service } : {}),
        ...(fromMs !== undefined ? { fromMs } : {}),
        ...(toMs !== undefined ? { toMs } : {}),
        ...(q.direct !== undefined ? { direct: q.direct } : {}),
      });
    },

    async saveNote({ human, persona, noteId, text }) {
      const target = human !== undefined ? { human } : { persona: persona! };
      const id = await deps.store.setNote(target, text, noteId);
      return { id };
    },

    deleteNote: ({ noteId }) => deps.store.deleteNote(noteId),

    async exportVcard({ id, version }) {
      const person = await deps.store.person(id);
      if (!person) throw new ApiError(`no person ${id}`, 'not-found');
      return { filename: vdirFileName(person), content: personToVCard(person, { version: version ?? 4 }) };
    },

    async status() {
      if (!deps.status) return { at: new Date().toISOString(), workers: [], queues: [], problems: ['no ingestion topology is configured for this store'] };
      return deps.status();
    },

    async setIngestPaused({ paused }) {
      if (!deps.ingest) throw new ApiError('no background ingestion runs in this process (start the desktop app, or `skrode topology run`)', 'unavailable');
      await deps.ingest.setPaused(paused);
    },

    importers: () => imports.importers(),
    startImport: ({ path, as }) => imports.start(path, as),
    importJob: async ({ id }): Promise<ImportJobDto | null> => imports.get(id),
    importJobs: async () => imports.list(),
    cancelImport: async ({ id }) => imports.cancel(id),

    async hidePopup() {
      await deps.hidePopup?.();
    },
    configuration: async () => deps.configuration?.() ?? { file: null, origin: 'defaults', entries: [], error: null },
    settings: async () => settingsDto(),
    async saveSettings({ hotkey }) {
      if (hotkey !== undefined) await settings.save({ hotkey });
      return settingsDto();
    },

    sourceTypes: async () => sourceTypes(),
    sources: async () => deps.sources?.list() ?? { file: null, writeTo: '', sources: [], error: 'no config.yml is in play in this process' },
    async saveSource(args) {
      if (!deps.sources) throw noSources();
      return withIngestion(await deps.sources.save(args));
    },
    async removeSource(args) {
      if (!deps.sources) throw noSources();
      const r = withIngestion(await deps.sources.remove(args));
      if (!r.ok) throw new ApiError(r.errors.map((e) => e.message).join('; '), 'invalid');
      return { file: r.file, ingestion: r.ingestion };
    },
    async secrets() {
      const referenced = deps.sources ? referencedSecretNames(deps.sources.list().sources) : [];
      return secretsDto(deps.secrets, referenced, env);
    },
    async saveSecret({ name, value }) {
      saveSecret(deps.secrets, name, value);
      deps.onSecretsChanged?.();
    },
    async deleteSecret({ name }) {
      deleteSecret(deps.secrets, name);
      deps.onSecretsChanged?.();
    },
    suggestions: (args) => deps.store.suggestions({ state: 'pending', limit: args?.limit ?? DEFAULT_SUGGESTIONS_LIMIT }),
    acceptSuggestion: ({ address }) => acceptSuggestion(deps.store, address),
    dismissSuggestion: ({ address }) => dismissSuggestion(deps.store, address),

    close: () => imports.close(),
  };
}
