// Registers the job queue's SQL as writer-thread methods (`jobs.claim`, ...), so in a process
// that runs the SQLite writer the queue's writes go through the one write connection.
// Imported by main/store/sqlite/writer.worker.ts.
import { registerWriterMethods, type WriterMethod } from '../../store/sqlite/writer-methods.js';
import { jobsWriterMethods } from './jobs-sql.js';

registerWriterMethods(({ db }) => {
  const table: Record<string, WriterMethod> = {};
  for (const [name, fn] of Object.entries(jobsWriterMethods)) {
    const f = fn as (d: typeof db, ...args: unknown[]) => unknown;
    table[name] = (...args: unknown[]) => f(db, ...args);
  }
  return table;
});
