// `!skrode/sqlite {path}` (or `!skrode/sqlite PATH`): the single-user store. A relative path is
// relative to the config file; no path means skrode.db in the data folder.
import path from 'node:path';
import { object, optional, string } from '../fields.js';
import { registerTag } from '../registry.js';

export interface SqliteDescriptor {
  kind: 'sqlite';
  /** Absolute. */
  path: string;
}

export const DEFAULT_SQLITE_FILE = 'skrode.db';

export const sqliteTag = registerTag({
  tag: 'skrode/sqlite',
  kinds: ['scalar', 'map'],
  summary: 'path (default: skrode.db in the data folder)',
  fromScalar: (file) => ({ path: file }),
  shape: object({ path: optional(string({ nonEmpty: true })) }),
  build(value, ctx): SqliteDescriptor {
    return { kind: 'sqlite', path: value.path === undefined ? path.join(ctx.dataDir, DEFAULT_SQLITE_FILE) : ctx.resolvePath(value.path) };
  },
});
