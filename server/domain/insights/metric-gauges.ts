// The figures /api/metrics reports as gauges, read from the database at
// scrape time: what is true now (queues, runs, runners, deployments) and the
// two north-star numbers over the overview's window (reusing figures.ts).
import type { DbTx } from '../../db/client';
import { RunStatus } from '../../db/generated/enums';
import { DEPLOY_POOL_PREFIX } from '../deployment/request';
import { listRunners } from '../runner/registration';
import { overviewFigures } from './figures';

export interface QueueGauge {
  pool: string;
  priority: number;
  depth: number;
  /** now − the oldest queued_at of the pool and priority. */
  oldestWaitSeconds: number;
}

/** Queued jobs of runner pools (deploy jobs never wait for a runner), per pool and priority. */
export async function queueGauges(db: DbTx, now: Date): Promise<QueueGauge[]> {
  const rows = await db.$queryRaw<{ pool: string; priority: number; depth: bigint; oldest: Date }[]>`
    SELECT pool, priority, count(*) AS depth, min(coalesce(queued_at, created_at)) AS oldest
      FROM jobs
     WHERE status = 'queued' AND NOT starts_with(pool, ${DEPLOY_POOL_PREFIX})
     GROUP BY pool, priority
     ORDER BY pool, priority DESC`;
  return rows.map((r) => ({
    pool: r.pool,
    priority: r.priority,
    depth: Number(r.depth),
    oldestWaitSeconds: Math.max(0, (now.getTime() - r.oldest.getTime()) / 1000),
  }));
}

/** Runs the database holds per status; every status is present, zero included. */
export async function runsByStatus(db: DbTx): Promise<Record<RunStatus, number>> {
  const rows = await db.pipelineRun.groupBy({ by: ['status'], _count: { _all: true } });
  const counts = Object.fromEntries(Object.values(RunStatus).map((s) => [s, 0])) as Record<RunStatus, number>;
  for (const r of rows) counts[r.status] = r._count._all;
  return counts;
}

export type RunnerState = 'online' | 'offline' | 'disabled';

/** Registered runners per pool and state (online: seen within the last 30 s). */
export async function runnerGauges(
  db: DbTx,
  now: Date,
): Promise<{ pool: string; state: RunnerState; count: number }[]> {
  const counts = new Map<string, number>();
  for (const r of await listRunners(db, now)) {
    const state: RunnerState = r.disabledAt ? 'disabled' : r.online ? 'online' : 'offline';
    const key = JSON.stringify([r.pool, state]);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => {
    const [pool, state] = JSON.parse(key) as [string, RunnerState];
    return { pool, state, count };
  });
}

/** Deployments the database holds, per environment and status. */
export async function deploymentGauges(db: DbTx) {
  const rows = await db.deployment.groupBy({ by: ['environment', 'status'], _count: { _all: true } });
  return rows.map((r) => ({ environment: r.environment, status: r.status, count: r._count._all }));
}

/**
 * Rollbacks per environment: `automatic` are deployments whose health broke
 * and that were rolled back (status rolled_back); `manual` are one-click
 * rollbacks a deployer asked for (a deployment that restores an earlier one).
 */
export async function rollbackGauges(db: DbTx) {
  const rows = await db.$queryRaw<{ environment: string; kind: 'automatic' | 'manual'; n: bigint }[]>`
    SELECT environment, 'automatic' AS kind, count(*) AS n FROM deployments WHERE status = 'rolled_back' GROUP BY environment
    UNION ALL
    SELECT environment, 'manual' AS kind, count(*) AS n FROM deployments WHERE rollback_of_id IS NOT NULL GROUP BY environment
    ORDER BY 1, 2`;
  return rows.map((r) => ({ environment: r.environment, kind: r.kind, count: Number(r.n) }));
}

/** Mean time to detect a broken build and mean time to deploy over the overview's window, in seconds. */
export async function northStarGauges(db: DbTx, now: Date) {
  const f = await overviewFigures(db, now);
  return {
    windowDays: f.windowDays,
    meanTimeToDetectSeconds: f.meanTimeToDetectMs === null ? null : f.meanTimeToDetectMs / 1000,
    brokenBuilds: f.brokenBuilds,
    meanTimeToDeploySeconds: f.meanTimeToDeployMs === null ? null : f.meanTimeToDeployMs / 1000,
    deploys: f.deploys,
  };
}
