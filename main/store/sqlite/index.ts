// The SQLite adapter of the Store port. `openSqliteStore(path)` starts the writer thread (which
// migrates the file) and opens this thread's read-only connection, `store.readDb`.
export { SqliteStore, openSqliteStore } from './store.js';
export { SqliteWriter } from './writer.js';
export { registerWriterMethods, type WriterMethodGroup, type WriterContext } from './writer-methods.js';
export { openSqlite, type SqliteDb } from './open.js';
