// Periodic upkeep the scheduler runs: partitions ahead of time, and the daily
// purge of expired artifacts (server/domain/artifact). Retention, which
// retires the old months these partitions hold, is retention-loop.ts.
import type { Db } from '../db/client';
import type { Logger } from '../log';

export const PARTITION_CHECK_INTERVAL_MS = 6 * 3_600_000;
export const ARTIFACT_PURGE_INTERVAL_MS = 24 * 3_600_000;

export async function ensurePartitionsAhead(db: Db, monthsAhead: number, log: Logger): Promise<number> {
  const rows = await db.$queryRaw<
    { created: number }[]
  >`SELECT switchyard_ensure_partitions(${monthsAhead}::int) AS created`;
  const created = rows[0]?.created ?? 0;
  if (created > 0) log.info({ created }, 'created partitions ahead');
  return created;
}
