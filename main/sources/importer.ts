// File importers: `skrode import PATH` asks each registered importer whether it recognises the
// path (by its content, not only its name), then streams the file into observations that a
// BatchWriter applies to the store. A bad record becomes an ImportProblem naming the file,
// record and reason; the rest of the input is still imported.

import type { Store } from '../store/port.js';

export interface ImportProblem {
  file: string;
  /** Line number, archive member and index, Message-ID ... whatever finds the record. */
  record?: string;
  reason: string;
}

export interface ImportProgress {
  /** Bytes (or items) done and total, when the total is known. */
  done: number;
  total?: number;
  unit: 'bytes' | 'items';
  label?: string;
}

export interface ImportContext {
  store: Store;
  /** Report a bad record; the importer carries on. */
  problem(p: ImportProblem): void;
  progress(p: ImportProgress): void;
  /** Set when the user asked to stop (Ctrl-C, app quit): finish the batch in hand and return. */
  signal?: AbortSignal;
  /** Source-specific options from config.yml or the command line. */
  options?: Record<string, unknown>;
}

export interface ImportSummary {
  importer: string;
  path: string;
  observations: number;
  problems: number;
  /** Importer-specific counts (tweets, messages, cards ...). */
  counts: Record<string, number>;
}

export interface Importer {
  /** Short name shown to the user and accepted by `skrode import --as NAME`. */
  name: string;
  description: string;
  /**
   * Whether this importer recognises the path. `head` holds the first bytes of a file (empty for
   * a directory). Return a confidence 0..1; the highest wins.
   */
  detect(path: string, info: { isDirectory: boolean; head: Buffer }): number | Promise<number>;
  run(path: string, ctx: ImportContext): Promise<ImportSummary>;
}

const importers: Importer[] = [];

export function registerImporter(importer: Importer): void {
  if (importers.some((i) => i.name === importer.name)) throw new Error(`importer ${importer.name} registered twice`);
  importers.push(importer);
}

export function registeredImporters(): readonly Importer[] {
  return importers;
}
