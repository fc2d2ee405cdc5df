// The Sources page's side of config.yml: the kinds of source (registered config tags that carry a
// `source` description, main/config/registry.ts), a form for each derived from the tag's shape
// (main/config/fields.ts), the sources the file configures, and adding, changing or removing one.
// A change is made on the YAML document (main/config/edit.ts), checked by the loader that reads
// config.yml and by the topology's own worker check, and only then written, atomically. Secret
// fields are written as `!skrode/env NAME` only: their values go to the keychain (./secrets.ts).

import path from 'node:path';
import type { SaveSourceResultDto, SourceDto, SourceFieldDto, SourceInputDto, SourcesDto, SourceTypeDto, SourceValueDto } from '../../shared/api.js';
import { configDocument, ConfigEditError, configText, readConfigText, removeSource, upsertSource, type SourceValue } from '../config/edit.js';
import { writeFileAtomically } from '../util/atomic-write.js';
import { ConfigError, CONFIG_FILE_NAME, findConfig, getTag, Lazy, loadConfig, loadConfigText, type Config } from '../config/index.js';
import type { Field, FieldInfo } from '../config/fields.js';
import { sourceTags, type AnyTagDefinition } from '../config/registry.js';
import { workerDefinition } from '../topology/spec.js';
import { ensureDataDir } from '../util/data-dir.js';
import { ApiError } from './errors.js';

type FormKind = SourceFieldDto['kind'];

function formKind(info: FieldInfo | undefined): FormKind | undefined {
  if (!info) return undefined;
  switch (info.kind) {
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
    case 'url':
    case 'choice':
      return info.kind;
    case 'list':
      return info.item.kind === 'string' || info.item.kind === 'url' ? 'list' : undefined;
    default:
      // References to other tags, nested mappings, either-or shapes: left to the file.
      return undefined;
  }
}

function shapeFields(def: AnyTagDefinition): Readonly<Record<string, Field<unknown>>> {
  const info = def.shape?.info;
  return info?.kind === 'object' ? info.fields : {};
}

function formFields(def: AnyTagDefinition): SourceFieldDto[] {
  const secrets = new Set(def.secrets ?? []);
  const out: SourceFieldDto[] = [];
  for (const [name, field] of Object.entries(shapeFields(def))) {
    const kind = formKind(field.info);
    if (!kind) continue;
    const text = def.source?.fields?.[name];
    const fallback = field.fallback;
    out.push({
      name,
      label: text?.label ?? name.replace(/_/g, ' '),
      hint: text?.hint ?? null,
      kind,
      ...(field.info?.kind === 'choice' ? { choices: [...field.info.choices] } : {}),
      optional: field.optional,
      expects: field.expects,
      secret: secrets.has(name),
      default: typeof fallback === 'string' || typeof fallback === 'number' || typeof fallback === 'boolean' ? fallback : null,
    });
  }
  return out;
}

export function sourceTypes(): SourceTypeDto[] {
  return sourceTags().map((def) => ({
    tag: def.tag,
    label: def.source!.label,
    description: def.source!.description,
    suggestedKey: def.source!.suggestedKey,
    worker: def.source!.worker !== undefined,
    fields: formFields(def),
  }));
}

/** A secret as written: its environment name or keychain account, or only that it is in the file. */
function secretValue(v: unknown): SourceValueDto {
  if (v instanceof Lazy && v.tag === 'skrode/env') return { env: typeof v.raw === 'string' ? v.raw.trim() : String((v.raw as { name?: unknown }).name) };
  if (v instanceof Lazy && v.tag === 'skrode/keychain') return { keychain: typeof v.raw === 'string' ? v.raw.trim() : String((v.raw as { account?: unknown }).account) };
  return v === undefined || v === null ? null : { inFile: true };
}

function plainValue(v: unknown): SourceValueDto {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v.map((x) => (x instanceof Lazy ? `!${x.tag}` : String(x)));
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  if (v instanceof Lazy) return `!${v.tag}`;
  return null;
}

function sourceOf(config: Config, key: string, workers: unknown): SourceDto | undefined {
  const lazy = config.lazy(key);
  if (!lazy?.def.source || lazy.path.length !== 1) return undefined;
  const raw = lazy.raw !== null && typeof lazy.raw === 'object' ? (lazy.raw as Record<string, unknown>) : {};
  const values: Record<string, SourceValueDto> = {};
  for (const f of formFields(lazy.def)) values[f.name] = f.secret ? secretValue(raw[f.name]) : plainValue(raw[f.name]);
  return {
    key,
    tag: lazy.tag,
    label: lazy.def.source.label,
    values,
    listed: Array.isArray(workers) && workers.includes(key),
    line: lazy.pos.line,
  };
}

/** The environment names config.yml's sources give their secrets (for the secrets list). */
export function referencedSecretNames(sources: readonly SourceDto[]): string[] {
  const names = new Set<string>();
  for (const s of sources) for (const v of Object.values(s.values)) if (v !== null && typeof v === 'object' && 'env' in v) names.add(v.env);
  return [...names].sort();
}

/** Environment values for checking a config without its secrets: every name reads as set. */
function validationEnv(): Record<string, string | undefined> {
  const real = { ...process.env };
  return new Proxy(real, { get: (t, k) => (typeof k === 'string' ? (t[k] ?? 'checked-without-its-value') : undefined) });
}

type FieldError = { field: string | null; message: string };

/** Which form field a loader error is about (undefined: somewhere else in the file). */
function fieldOfError(e: ConfigError, key: string): string | null | undefined {
  const kp = e.keyPath ?? '';
  if (kp === key) return /missing required key "([^"]+)"/.exec(e.reason)?.[1] ?? null;
  if (kp.startsWith(`${key}.`)) return kp.slice(key.length + 1).split(/[.[]/)[0] ?? null;
  return undefined;
}

/**
 * Top-level keys other parts of Skrode read with a meaning of their own (the store, the workers
 * list, the importers' `email:` and `feeds:` sections, the shared Redis), and the one tag each
 * may hold if any: a source is never written under them.
 */
const RESERVED_KEYS: ReadonlyMap<string, string | null> = new Map([
  ['workers', null],
  ['store', null],
  ['sql', null],
  ['redis', null],
  ['email', null],
  ['feeds', null],
  ['twitter', 'skrode/twitter'],
]);

function reservedKey(key: string, tag: string): string | null {
  if (key.startsWith('__')) return `${key} is not a name Skrode writes`;
  if (!RESERVED_KEYS.has(key) || RESERVED_KEYS.get(key) === tag) return null;
  return `${key} has its own meaning in config.yml; choose another name`;
}

export interface ConfigSourcesOptions {
  /** The `-c` value, when one was given. */
  config?: string | undefined;
  /** Overrides the data folder (tests). */
  dataDir?: string;
  cwd?: string;
}

export class ConfigSources {
  /** One change at a time: each reads the file the previous one wrote. */
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly o: ConfigSourcesOptions = {}) {}

  /** Where config.yml is looked for: the same for finding it and for loading it. */
  private where() {
    return { config: this.o.config, ...(this.o.dataDir ? { dataDir: this.o.dataDir } : {}), ...(this.o.cwd ? { cwd: this.o.cwd } : {}) };
  }

  private find() {
    return findConfig(this.where());
  }

  /** The file a change goes to: the one read, else config.yml in the data folder (created). */
  private target(): { file: string; dataDir: string } {
    const found = this.find();
    return { file: found.file ?? path.join(found.dataDir, CONFIG_FILE_NAME), dataDir: found.dataDir };
  }

  list(): SourcesDto {
    let writeTo = '';
    try {
      writeTo = this.target().file;
      const config = loadConfig(this.where());
      const workers = config.raw.workers;
      const sources = config.keys().flatMap((k) => sourceOf(config, k, workers) ?? []);
      return { file: config.configFile, writeTo, sources, error: null };
    } catch (e) {
      return { file: this.o.config ?? null, writeTo, sources: [], error: (e as Error).message };
    }
  }

  save(args: { key: string; tag: string; values: Record<string, SourceInputDto>; create: boolean }): Promise<SaveSourceResultDto & { changed?: boolean }> {
    return this.serial(async () => {
      const def = getTag(args.tag);
      if (!def?.source) return { ok: false, errors: [{ field: null, message: `!${args.tag} is not a kind of source that can be added here` }] };
      const fields = new Map(formFields(def).map((f) => [f.name, f]));
      const errors: FieldError[] = [];
      const values: Record<string, SourceValue> = {};
      for (const [name, input] of Object.entries(args.values)) {
        const f = fields.get(name);
        if (!f) {
          errors.push({ field: null, message: `!${args.tag} has no field ${name}` });
          continue;
        }
        const v = formValue(f, input);
        if (typeof v === 'object' && v !== null && 'error' in v) errors.push({ field: name, message: v.error });
        else values[name] = v;
      }
      const reserved = args.create ? reservedKey(args.key, def.tag) : null;
      if (reserved) errors.push({ field: 'key', message: reserved });
      if (errors.length > 0) return { ok: false, errors };
      return this.change(args.key, (doc) => upsertSource(doc, { key: args.key, tag: def.tag, values, worker: def.source!.worker !== undefined, create: args.create }), def);
    });
  }

  remove(args: { key: string; tag: string }): Promise<SaveSourceResultDto> {
    return this.serial(() => this.change(args.key, (doc) => removeSource(doc, args.key, args.tag), undefined));
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => {});
    return next;
  }

  /** Edit the document, check the result as the loader and the topology will, then write it. */
  private async change(key: string, edit: (doc: ReturnType<typeof configDocument>) => void, def: AnyTagDefinition | undefined): Promise<SaveSourceResultDto> {
    let target: { file: string; dataDir: string };
    try {
      target = this.target();
    } catch (e) {
      return { ok: false, errors: [{ field: null, message: (e as Error).message }] };
    }
    const { file, dataDir } = target;
    let text: string;
    try {
      const before = readConfigText(file);
      // A file that is already broken is the user's to fix: say where, with its own line numbers.
      try {
        loadConfigText(before, { file, dataDir, env: validationEnv() });
      } catch (e) {
        if (e instanceof ConfigError) return { ok: false, errors: [{ field: null, message: `config.yml has a problem that must be fixed by hand first: ${e.message}` }] };
        throw e;
      }
      const doc = configDocument(before, file);
      edit(doc);
      text = configText(doc, before);
    } catch (e) {
      if (e instanceof ConfigEditError) return { ok: false, errors: [{ field: e.field ?? null, message: e.message }] };
      if (e instanceof ConfigError) return { ok: false, errors: [{ field: null, message: e.message }] };
      throw e;
    }
    try {
      const config = loadConfigText(text, { file, dataDir, env: validationEnv() });
      if (def) {
        if (def.source?.worker) workerDefinition(config, key);
        // Build-time rules too (e.g. the four OAuth keys together), with secrets standing in.
        config.lazy(key)?.get();
      }
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      const field = fieldOfError(e, key);
      if (field === undefined) return { ok: false, errors: [{ field: null, message: `the change would break config.yml: ${e.message}` }] };
      return { ok: false, errors: [{ field, message: e.reason }] };
    }
    if (dataDir && path.dirname(file) === dataDir) ensureDataDir(dataDir);
    try {
      writeFileAtomically(file, text);
    } catch (e) {
      throw new ApiError(`cannot write ${file}: ${(e as Error).message}`, 'unavailable');
    }
    return { ok: true, file, ingestion: '' };
  }
}

/** A form value as config.yml should hold it; numbers typed as text become numbers. */
function formValue(f: SourceFieldDto, input: SourceInputDto): SourceValue | { error: string } {
  if (input === null) return null;
  if (typeof input === 'object' && !Array.isArray(input)) {
    if (!f.secret) return { error: 'only a secret field takes an environment name' };
    return input;
  }
  if (f.secret) return { error: 'a secret is never written to config.yml: give the name it is kept under instead' };
  if (f.kind === 'list') {
    if (!Array.isArray(input)) return { error: `expected ${f.expects}` };
    return input.map((s) => s.trim()).filter((s) => s !== '');
  }
  if (Array.isArray(input)) return { error: `expected ${f.expects}, not a list` };
  if (typeof input === 'string') {
    const s = input.trim();
    if (s === '') return null;
    if ((f.kind === 'integer' || f.kind === 'number') && /^-?\d+(\.\d+)?$/.test(s)) return Number(s);
    return s;
  }
  return input;
}
