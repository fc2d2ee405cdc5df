// The SkrodeApi contract: everything the renderer may ask of the main process. The preload
// exposes exactly this object (over Electron IPC) and `skrode serve` exposes the same methods
// over HTTP (POST /api/<method>), so the renderer works identically under both. Every method takes
// at most one JSON argument and returns JSON; the receiving side validates arguments against
// `apiSchemas` (./api-schemas.ts) before calling the implementation (main/api/).

import type { LookupHit, PersonDto } from './people.js';
import type { SuggestionDto } from './suggestions.js';
import type { TopologyStatusDto } from './topology.js';

/** Marks around matched words in `PostDto.snippet`: render the text between them as <mark>. */
export const MARK_START = '\u0002';
export const MARK_END = '\u0003';

export interface PostDto {
  externalId: string;
  service: string;
  poster: { externalId: string; name: string | null } | null;
  text: string | null;
  /** The text around the matches, each match wrapped in MARK_START ... MARK_END (search only). */
  snippet?: string;
  /** ISO time posted, when known. */
  when: string | null;
  url: string | null;
  tombstone: boolean;
  /** Sent to someone (to/cc/bcc: a direct message, an email) rather than posted publicly. */
  direct: boolean;
}

export interface PostSearchQuery {
  /** Words to find (each matched as a word prefix, all required); no query syntax. */
  text: string;
  /** Only posts by this person (a human or persona id, or an account's external id). */
  person?: string;
  /** Only posts on this service (`twitter`, `email`, ...). */
  service?: string;
  /** ISO date or time: posted at or after. */
  from?: string;
  /** ISO date or time: posted before (a bare date includes that whole day). */
  to?: string;
  /** true: only direct messages; false: only public posts; absent: both. */
  direct?: boolean;
  limit?: number;
}

/** The most recent exchange with a person: a like/share of or by them, or a direct message. */
export interface InteractionDto {
  at: string;
  /** like, dislike, share, bookmark, hide (on a post) or `direct` (a message to or from them). */
  kind: string;
  /** Who acted: `them` (one of their accounts) or `other` (someone else, usually the user). */
  by: 'them' | 'other';
  post: PostDto | null;
}

export interface PersonActivityDto {
  /** Their most recent posts, newest first. */
  posts: PostDto[];
  lastInteraction: InteractionDto | null;
}

export interface ImporterDto {
  name: string;
  description: string;
}

export interface ImportJobDto {
  id: string;
  path: string;
  importer: string | null;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  done: number;
  total: number | null;
  unit: 'bytes' | 'items';
  observations: number;
  /** The first problems (bad records); `problemCount` counts them all. */
  problems: { file: string; record?: string; reason: string }[];
  problemCount: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

/** One tagged value of config.yml (a store, queue, Redis, source account ...), secrets redacted. */
export interface ConfigEntryDto {
  keyPath: string;
  tag: string;
  value: unknown;
}

/** What the user's config.yml sets up: where it is and its tagged values. */
export interface ConfigurationDto {
  /** The file read, or null when Skrode runs on its built-in defaults. */
  file: string | null;
  origin: 'flag' | 'cwd' | 'data-dir' | 'defaults';
  entries: ConfigEntryDto[];
  /** Why the config could not be read, if it could not. */
  error: string | null;
}

/** One field of a source's form, derived from its config tag's shape. */
export interface SourceFieldDto {
  /** The key in config.yml. */
  name: string;
  label: string;
  hint: string | null;
  kind: 'string' | 'integer' | 'number' | 'boolean' | 'url' | 'choice' | 'list';
  /** For `choice`. */
  choices?: string[];
  optional: boolean;
  /** What the field wants, in words ("an integer from 60 to 604800"). */
  expects: string;
  /** A token or password: never written to config.yml in clear (see saveSecret). */
  secret: boolean;
  /** The value used when an optional field is left empty. */
  default: string | number | boolean | null;
}

/** A kind of source the user can add (a registered config tag, `!skrode/feeds`). */
export interface SourceTypeDto {
  tag: string;
  label: string;
  description: string;
  suggestedKey: string;
  /** Whether it runs as an ingestion worker (listed in `workers:`), or is settings others use. */
  worker: boolean;
  fields: SourceFieldDto[];
}

/** A field's value as configured: a secret is only ever named, never shown. */
export type SourceValueDto = string | number | boolean | string[] | { env: string } | { keychain: string } | { inFile: true } | null;

/** A value sent from the form: a secret by its environment name, or `keep` to leave it as written. */
export type SourceInputDto = string | number | boolean | string[] | { env: string } | { keep: true } | null;

export interface SourceDto {
  key: string;
  tag: string;
  label: string;
  values: Record<string, SourceValueDto>;
  /** Listed in `workers:` (for worker sources). */
  listed: boolean;
  /** The line of config.yml it is written on. */
  line: number;
}

export interface SourcesDto {
  /** The file read, or null (built-in defaults). */
  file: string | null;
  /** Where a change is written (the file read, else config.yml in the data folder). */
  writeTo: string;
  sources: SourceDto[];
  /** Why config.yml could not be read, if it could not. */
  error: string | null;
}

export type SaveSourceResultDto =
  | { ok: true; file: string; /** What happens next, in words (the ingestion restarting ...). */ ingestion: string }
  | { ok: false; /** field: a field name, `key` for the name, or null for the whole form. */ errors: { field: string | null; message: string }[] };

/** A secret's state; its value never leaves the main process. */
export interface SecretDto {
  name: string;
  /** stored: in the keychain; needs-reentry: stored but no longer decrypts; environment: set in
   *  the process environment; missing: config.yml names it but it is nowhere. */
  state: 'stored' | 'needs-reentry' | 'environment' | 'missing';
}

export interface SecretsDto {
  /** Whether secrets can be stored here (the desktop app's keychain), and if not why. */
  canStore: boolean;
  reason: string | null;
  secrets: SecretDto[];
}

export interface SettingsDto {
  hotkey: string;
  store: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };
  ingestPaused: boolean;
  /** Where the process runs: the desktop app, or `skrode serve` in a browser. */
  host: 'electron' | 'serve';
}

export interface VcardFileDto {
  /** A safe file name (`<uid>.vcf`). */
  filename: string;
  content: string;
}

export interface SkrodeApi {
  /** People matching a name, handle, address or phone number, best first. */
  lookup(args: { query: string; limit?: number }): Promise<LookupHit[]>;
  person(args: { id: string }): Promise<PersonDto | null>;
  /** Recent posts and the last interaction of a person (a human or persona id). */
  activity(args: { id: string; limit?: number }): Promise<PersonActivityDto>;
  searchPosts(args: PostSearchQuery): Promise<PostDto[]>;
  /** Create (no noteId) or replace a note on a human or a persona; returns the note id. */
  saveNote(args: { human?: string; persona?: string; noteId?: number; text: string }): Promise<{ id: number }>;
  deleteNote(args: { noteId: number }): Promise<void>;
  exportVcard(args: { id: string; version?: 3 | 4 }): Promise<VcardFileDto>;
  status(): Promise<TopologyStatusDto>;
  setIngestPaused(args: { paused: boolean }): Promise<void>;
  importers(): Promise<ImporterDto[]>;
  /** Start importing a file or folder (a path on the machine Skrode runs on); poll importJob. */
  startImport(args: { path: string; as?: string }): Promise<ImportJobDto>;
  importJob(args: { id: string }): Promise<ImportJobDto | null>;
  importJobs(): Promise<ImportJobDto[]>;
  cancelImport(args: { id: string }): Promise<void>;
  /**
   * The lookup popup asks to be hidden (Esc on an empty lookup). The renderer handles Esc itself
   * first (person view → results → clear); the desktop app hides the popup window; elsewhere
   * (serve, the main window) nothing happens.
   */
  hidePopup(): Promise<void>;
  /** The sources, queues and stores config.yml configures (read-only; sources are changed with saveSource). */
  configuration(): Promise<ConfigurationDto>;
  settings(): Promise<SettingsDto>;
  saveSettings(args: { hotkey?: string }): Promise<SettingsDto>;
  /** The kinds of source that can be added (registered config tags with a form). */
  sourceTypes(): Promise<SourceTypeDto[]>;
  /** The sources config.yml configures, secrets named only. */
  sources(): Promise<SourcesDto>;
  /** Add (create) or change a source in config.yml, checked by the config loader first; the
   *  running ingestion is restarted gracefully to pick it up. */
  saveSource(args: { key: string; tag: string; values: Record<string, SourceInputDto>; create: boolean }): Promise<SaveSourceResultDto>;
  removeSource(args: { key: string; tag: string }): Promise<{ file: string; ingestion: string }>;
  /** Names and states of the secrets (never their values). */
  secrets(): Promise<SecretsDto>;
  /** Keep a secret in the OS keychain under NAME (`!skrode/env NAME` in config.yml); refused
   *  where there is no keychain (`skrode serve`). */
  saveSecret(args: { name: string; value: string }): Promise<void>;
  deleteSecret(args: { name: string }): Promise<void>;
  /** Addresses mail imports suggest as contacts (`email.headers: suggest`), most seen first. */
  suggestions(args?: { limit?: number }): Promise<SuggestionDto[]>;
  /** Make a suggested address a contact (an email account with its names). */
  acceptSuggestion(args: { address: string }): Promise<SuggestionDto>;
  /** Never suggest the address again. */
  dismissSuggestion(args: { address: string }): Promise<SuggestionDto>;
}

export type ApiMethod = keyof SkrodeApi;

export const API_METHODS: readonly ApiMethod[] = [
  'lookup',
  'person',
  'activity',
  'searchPosts',
  'saveNote',
  'deleteNote',
  'exportVcard',
  'status',
  'setIngestPaused',
  'importers',
  'startImport',
  'importJob',
  'importJobs',
  'cancelImport',
  'hidePopup',
  'configuration',
  'settings',
  'saveSettings',
  'sourceTypes',
  'sources',
  'saveSource',
  'removeSource',
  'secrets',
  'saveSecret',
  'deleteSecret',
  'suggestions',
  'acceptSuggestion',
  'dismissSuggestion',
];

export function isApiMethod(name: unknown): name is ApiMethod {
  return typeof name === 'string' && (API_METHODS as readonly string[]).includes(name);
}

/** The IPC channel of a method: one table, used by the preload and the main-process handlers. */
export function channelOf(method: ApiMethod): string {
  return `skrode:${method}`;
}

/** An error as it crosses IPC or HTTP: plain data, with a kind the renderer can act on. */
export interface ApiErrorDto {
  kind: 'invalid' | 'not-found' | 'conflict' | 'unavailable' | 'internal';
  message: string;
}

/** The envelope every transport returns (Signal style). */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorDto };
