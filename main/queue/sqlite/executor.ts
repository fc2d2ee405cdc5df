// How the SQLite queue reaches its SQL. In the app the writer thread owns the only write
// connection, and the queue calls the jobs methods through it; a headless worker process (or a
// test) can run them on a connection of its own, which is safe because every claim is one
// BEGIN IMMEDIATE transaction.

import type Database from 'better-sqlite3';
import { jobsWriterMethods, type JobsWriterMethods } from './jobs-sql.js';

type Rest<F> = F extends (db: Database.Database, ...args: infer A) => unknown ? A : never;

export interface JobsExecutor {
  call<M extends keyof JobsWriterMethods>(method: M, ...args: Rest<JobsWriterMethods[M]>): Promise<ReturnType<JobsWriterMethods[M]>>;
  close(): Promise<void>;
}

/** The subset of the writer client the queue needs (main/store/sqlite/writer-client.ts). */
export interface WriterCaller {
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T>;
}

/** Call the jobs methods on the SQLite writer thread (registered by ./writer-registration.ts). */
export function writerExecutor(writer: WriterCaller): JobsExecutor {
  return {
    call: (method, ...args) => writer.call(method, ...args),
    async close() {
      // The writer belongs to the store that started it.
    },
  };
}

/** Run the jobs methods on a connection this process holds (closed with the executor if owned). */
export function directExecutor(db: Database.Database, options: { owned?: boolean } = {}): JobsExecutor {
  return {
    async call(method, ...args) {
      const fn = jobsWriterMethods[method] as (db: Database.Database, ...a: unknown[]) => never;
      return fn(db, ...(args as unknown[]));
    },
    async close() {
      if (options.owned && db.open) db.close();
    },
  };
}
