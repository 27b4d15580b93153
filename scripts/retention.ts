// `npx tsx scripts/retention.ts [--dry-run] [--days N] [--mode drop|archive]`:
// one retention pass now, against DATABASE_URL (or the embedded PostgreSQL
// under DATA_DIR) and the configured object store, with RETENTION_DAYS and
// RETENTION_MODE unless the flags say otherwise. --dry-run only prints which
// months would go. Safe next to running schedulers: one pass at a time.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { z } from 'zod';
import { openDatabase } from '../server/db/database';
import { dataDir, serverEnv } from '../server/env';
import { createLogger } from '../server/log';
import { runRetention } from '../server/retention/retention-pass';
import { createObjectStore } from '../server/storage/store-from-env';

const Flags = z.object({
  'dry-run': z.boolean().default(false),
  days: z.coerce.number().int().min(1, 'days must be at least 1').optional(),
  mode: z.enum(['drop', 'archive']).optional(),
});

const env = serverEnv();
const log = createLogger({ proc: 'retention', level: env.LOG_LEVEL });
const parsed = Flags.safeParse(
  parseArgs({
    options: { 'dry-run': { type: 'boolean' }, days: { type: 'string' }, mode: { type: 'string' } },
    strict: true,
  }).values,
);
if (!parsed.success) {
  console.error(parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n'));
  process.exit(2);
}
const flags = parsed.data;
const db = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: dataDir(env) });
const client = new pg.Client({ connectionString: db.url, application_name: 'switchyard-retention' });
try {
  await client.connect();
  const report = await runRetention(client, createObjectStore(env), log, {
    retentionDays: flags.days ?? env.RETENTION_DAYS,
    mode: flags.mode ?? env.RETENTION_MODE,
    monthsAhead: env.PARTITION_MONTHS_AHEAD,
    now: new Date(),
    dryRun: flags['dry-run'],
  });
  if (!report.ran) console.log('Another process is running retention now; nothing done.');
  else {
    console.log(`Cutoff ${report.cutoff?.toISOString()}${flags['dry-run'] ? ' (dry run)' : ''}`);
    for (const m of report.months) {
      const what = flags['dry-run'] ? 'would go' : m.dropped ? 'retired' : `not retired: ${m.error}`;
      console.log(`${m.month}: ${m.partitions.join(', ')} ${what}`);
    }
    if (report.months.length === 0) console.log('No month is past the retention window.');
    for (const p of report.problems) console.log(`problem: ${p}`);
  }
  if (report.months.some((m) => m.error)) process.exitCode = 1;
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
} finally {
  await client.end().catch(() => undefined);
  await db.stop();
}
