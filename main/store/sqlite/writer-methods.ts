// The writer thread's method table. The store's own methods are one group; other modules add
// theirs (e.g. the SQLite job queue in main/queue/sqlite/) by calling registerWriterMethods()
// from a module that writer.worker.ts imports, so their synchronous work runs on the one write
// connection too. A method runs synchronously and should wrap its writes in db.transaction().

import type { SqliteDb } from './open.js';
import type { SqliteWriter } from './writer.js';

/** Any synchronous function; arguments and result must survive structured cloning. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- arguments arrive untyped over postMessage; each method checks its own
export type WriterMethod = (...args: any[]) => unknown;

export interface WriterContext {
  db: SqliteDb;
  writer: SqliteWriter;
}

export type WriterMethodGroup = (ctx: WriterContext) => Record<string, WriterMethod>;

export const writerMethodGroups: WriterMethodGroup[] = [];

/** Add methods to the writer thread. Names must be unique; prefix them (`queue.claim`). */
export function registerWriterMethods(group: WriterMethodGroup): void {
  writerMethodGroups.push(group);
}

/** The Store's write methods (the SqliteStore calls these through the writer thread). */
export function storeWriterMethods({ writer }: WriterContext): Record<string, WriterMethod> {
  return {
    apply: (batch) => writer.applyValidated(batch),
    applyUnvalidated: (batch) => writer.apply(batch),
    mergePersonas: (winner, loser, reason) => writer.mergePersonas(winner, loser, reason),
    splitMerge: (id) => writer.splitMerge(id),
    linkPersona: (human, persona, rel) => writer.linkPersona(human, persona, rel),
    unlinkPersona: (human, persona) => writer.unlinkPersona(human, persona),
    addPersonaName: (persona, name) => writer.addPersonaName(persona, name),
    markNotSame: (a, b) => writer.markNotSame(a, b),
    setNote: (target, text, noteId) => writer.setNote(target ?? {}, text, noteId ?? undefined),
    deleteNote: (id) => writer.deleteNote(id),
    setCursor: (source, key, value) => writer.setCursor(source, key, value),
  };
}

/** Build the full table, refusing two groups that claim the same method name. */
export function buildMethodTable(ctx: WriterContext): Map<string, WriterMethod> {
  const table = new Map<string, WriterMethod>();
  for (const group of [storeWriterMethods, ...writerMethodGroups]) {
    for (const [name, fn] of Object.entries(group(ctx))) {
      if (table.has(name)) throw new Error(`writer method ${name} registered twice`);
      table.set(name, fn);
    }
  }
  return table;
}
