// The header figures of the runs overview: queue depth per pool, runners
// online, and the two numbers users care most about over the last 7 days:
// mean time to detect a broken build (push → the run known failed) and mean
// time to deploy (push → production healthy with it).
import type { DbTx } from '../../db/client';
import { listRunners } from '../runner/registration';
import { RUNNER_POOLS } from '../deployment/request';

export const FIGURES_WINDOW_DAYS = 7;

export async function overviewFigures(db: DbTx, now: Date) {
  const since = new Date(now.getTime() - FIGURES_WINDOW_DAYS * 86_400_000);
  const [queue, runners, detect, deploy] = await Promise.all([
    db.job.groupBy({
      by: ['pool'],
      where: { status: 'queued', ...RUNNER_POOLS },
      _count: { _all: true },
      _min: { queuedAt: true },
    }),
    listRunners(db, now),
    db.$queryRaw<{ n: bigint; mean_ms: number | null }[]>`
      SELECT count(*) AS n, avg(extract(epoch FROM failed_at - coalesce(pushed_at, created_at)) * 1000)::float8 AS mean_ms
      FROM pipeline_runs WHERE failed_at IS NOT NULL AND failed_at >= ${since}`,
    db.$queryRaw<{ n: bigint; mean_ms: number | null }[]>`
      SELECT count(*) AS n, avg(extract(epoch FROM deployed_at - coalesce(pushed_at, created_at)) * 1000)::float8 AS mean_ms
      FROM pipeline_runs WHERE deployed_at IS NOT NULL AND deployed_at >= ${since}`,
  ]);
  return {
    windowDays: FIGURES_WINDOW_DAYS,
    queue: queue
      .map((q) => ({ pool: q.pool, depth: q._count._all, oldestQueuedAt: q._min.queuedAt }))
      .sort((a, b) => a.pool.localeCompare(b.pool)),
    runnersOnline: runners.filter((r) => r.online).length,
    runnersTotal: runners.length,
    meanTimeToDetectMs: detect[0]?.mean_ms ?? null,
    brokenBuilds: Number(detect[0]?.n ?? 0),
    meanTimeToDeployMs: deploy[0]?.mean_ms ?? null,
    deploys: Number(deploy[0]?.n ?? 0),
  };
}
