import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'mysql',
  schema: './db/schema.ts',
  out: './db/migrations',
  // Only `drizzle-kit migrate/push/studio` connect; `generate` works offline.
  dbCredentials: { url: process.env.DATABASE_URL ?? 'mysql://localhost/berth' },
});
