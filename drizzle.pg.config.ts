import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './main/store/schema/postgres.ts',
  out: './migrations/postgres',
});
