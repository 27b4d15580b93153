// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the
// embedded PostgreSQL under DATA_DIR (started for the occasion), and creates
// the partitions ahead.
import { openDatabase } from '../server/db/database';
import { ensurePartitions, migrate } from '../server/db/migrate';
import { migrationsDir } from '../server/db/paths';
import { dataDir, serverEnv } from '../server/env';

const env = serverEnv();
const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: dataDir(env) });
try {
  const result = await migrate(db.url, migrationsDir, (m) => console.log(m));
  const created = await ensurePartitions(db.url, env.PARTITION_MONTHS_AHEAD);
  console.log(
    `${result.applied.length} migration(s) applied, ${result.alreadyApplied} already applied; ${created} partition(s) created.`,
  );
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await db.stop();
}
