// `!skrode/sql`: the multi-host store on PostgreSQL. Either `url: postgres://...` or the
// original's keys (dialect, hostname, port, username, password, database), plus `schema`.
// Unlike the original we escape the password in the URL and build no connection here:
// main/store/from-config.ts opens the store from this descriptor.
import { integer, object, optional, string, url } from '../fields.js';
import { registerTag } from '../registry.js';

export interface PostgresDescriptor {
  kind: 'postgres';
  /** A libpq connection URL, password included (redacted when printed). */
  url: string;
  /** The schema holding Skrode's tables. */
  schema: string;
  /** Pool size, when given. */
  max?: number;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
// The original wrote SQLAlchemy dialects: postgresql+psycopg2.
const POSTGRES_DIALECT = /^postgres(ql)?(\+[a-z0-9_]+)?$/;

const shape = object({
  url: optional(url(['postgres:', 'postgresql:'])),
  dialect: optional(string()),
  hostname: optional(string({ nonEmpty: true })),
  port: optional(integer({ min: 1, max: 65535 })),
  username: optional(string()),
  password: optional(string()),
  database: optional(string({ nonEmpty: true })),
  schema: optional(string({ pattern: SCHEMA_NAME, expects: 'a schema name (lower-case letters, digits and _)' }), 'skrode'),
  max: optional(integer({ min: 1, max: 1000 })),
});

export const sqlTag = registerTag({
  tag: 'skrode/sql',
  kinds: ['map'],
  summary: 'url, or dialect, hostname, port, username, password and database; plus schema',
  secrets: ['password'],
  shape,
  build(v, ctx): PostgresDescriptor {
    if (v.dialect !== undefined && !POSTGRES_DIALECT.test(v.dialect)) {
      throw ctx.error(`dialect ${JSON.stringify(v.dialect)} is not supported: !skrode/sql is PostgreSQL (for a local database use !skrode/sqlite)`, ['dialect']);
    }
    let connection: string;
    if (v.url !== undefined) {
      for (const key of ['hostname', 'port', 'username', 'database'] as const) {
        if (v[key] !== undefined) throw ctx.error(`give either url or ${key} (with hostname, port, username and database), not both`, [key]);
      }
      const u = new URL(v.url);
      if (v.password !== undefined) {
        if (u.password) throw ctx.error('the url already has a password; remove one of them', ['password']);
        u.password = encodeURIComponent(v.password);
      }
      connection = u.toString();
    } else {
      if (v.database === undefined) throw ctx.error('missing required key "database" (or give url)');
      const host = v.hostname ?? 'localhost';
      const user = v.username ? encodeURIComponent(v.username) + (v.password ? ':' + encodeURIComponent(v.password) : '') + '@' : '';
      const hostPart = host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
      connection = `postgresql://${user}${hostPart}:${v.port ?? 5432}/${encodeURIComponent(v.database)}`;
    }
    const out: PostgresDescriptor = { kind: 'postgres', url: connection, schema: v.schema };
    if (v.max !== undefined) out.max = v.max;
    return out;
  },
});
