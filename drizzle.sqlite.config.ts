import { defineConfig } from 'drizzle-kit';

// FTS5 tables are written by hand (migrations/sqlite/*_fts.sql); drizzle-kit must never touch them.
export default defineConfig({
  dialect: 'sqlite',
  schema: './main/store/schema/sqlite.ts',
  out: './migrations/sqlite',
  tablesFilter: ['!names_fts*', '!names_tri*', '!posts_fts*'],
});
