// Registers the backup restore's SQL as writer-thread methods (`backup.begin`, `backup.insert`,
// `backup.finish`), so a restore into a SQLite store writes through the one write connection.
// Imported by main/store/sqlite/writer.worker.ts.
import { registerWriterMethods } from '../../store/sqlite/writer-methods.js';
import { sqliteRestoreMethods } from './targets.js';

registerWriterMethods(({ db }) => sqliteRestoreMethods(db));
