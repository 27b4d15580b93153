// The depth query: queued jobs waiting per runner pool and priority, and how
// long the oldest has waited. The jobs table is the truth for "queued and
// waiting" (a pg-boss message only carries a job to a runner; a cancelled
// job's message may linger until a claim drops it). Deploy jobs (pools
// `deploy:<env>`) wait for the deployer, not a runner, and never count; nor do
// jobs held back until `not_before` (a lost runner's backoff, or deferred by
// shedding). docs/autoscaling.md gives this SQL to cluster scalers (KEDA).
import { z } from 'zod';
import type { DbTx } from '../../db/client';
import { DEPLOY_POOL_PREFIX } from '../deployment/request';
import type { QueueFigure } from './pressure';

/** The SQL behind readQueueDepth; $1 is "now", $2 the deploy pool prefix pattern. */
export const QUEUE_DEPTH_SQL = `
SELECT pool,
       priority,
       count(*)::int AS depth,
       min(coalesce(queued_at, created_at)) AS oldest_queued_at
  FROM jobs
 WHERE status = 'queued'
   AND pool NOT LIKE $2
   AND (not_before IS NULL OR not_before <= $1)
 GROUP BY pool, priority
 ORDER BY pool, priority DESC`;

const DepthRow = z.object({
  pool: z.string(),
  priority: z.number().int(),
  depth: z.number().int().min(0),
  oldest_queued_at: z.date(),
});

export interface QueueDepth extends QueueFigure {
  oldestQueuedAt: Date;
}

/** Depth and oldest wait per pool and priority, as of `now`. */
export async function readQueueDepth(db: DbTx, now: Date): Promise<QueueDepth[]> {
  const rows = await db.$queryRawUnsafe<unknown[]>(QUEUE_DEPTH_SQL, now, `${DEPLOY_POOL_PREFIX}%`);
  return rows.map((raw) => {
    const row = DepthRow.parse(raw);
    return {
      pool: row.pool,
      priority: row.priority,
      depth: row.depth,
      oldestQueuedAt: row.oldest_queued_at,
      oldestWaitSeconds: Math.max(0, (now.getTime() - row.oldest_queued_at.getTime()) / 1000),
    };
  });
}
