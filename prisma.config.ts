// Prisma CLI configuration. Migrations are hand-written SQL applied by
// `npm run db:migrate` (scripts/migrate.ts): the schema engine cannot be
// downloaded on every machine, so `prisma migrate` is not part of the workflow.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost/switchyard' },
});
