// The insights page's data: the two north-star numbers (mean time to detect
// a broken build, mean time to deploy) per day or week, and each pipeline's
// success rate and run duration per day, over the last 30 or 90 days. SQL
// sums per UTC day; trend-series.ts rolls days up into the chart's buckets.
import { z } from 'zod';
import type { DbTx } from '../../db/client';
import { meanSeries, outcomeSeries, overallMean, trendWindow, type TrendUnit } from './trend-series';

export const TrendsInput = z.object({
  /** The window: the last 30 days (north-star numbers per day) or 90 (per week). */
  days: z.union([z.literal(30), z.literal(90)], { error: 'days must be 30 or 90' }).default(30),
});
export type TrendsInput = z.infer<typeof TrendsInput>;

export async function insightsTrends(db: DbTx, input: TrendsInput, now: Date) {
  const unit: TrendUnit = input.days === 30 ? 'day' : 'week';
  const window = trendWindow(now, input.days, unit);
  const daily = trendWindow(now, input.days, 'day');
  const [detect, deploy, pipelines] = await Promise.all([
    db.$queryRaw<{ day: string; n: bigint; total_s: number }[]>`
      SELECT to_char(failed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) AS n,
             sum(extract(epoch FROM failed_at - coalesce(pushed_at, created_at)))::float8 AS total_s
        FROM pipeline_runs WHERE failed_at >= ${window.from} AND failed_at < ${window.to}
       GROUP BY 1`,
    db.$queryRaw<{ day: string; n: bigint; total_s: number }[]>`
      SELECT to_char(deployed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, count(*) AS n,
             sum(extract(epoch FROM deployed_at - coalesce(pushed_at, created_at)))::float8 AS total_s
        FROM pipeline_runs WHERE deployed_at >= ${window.from} AND deployed_at < ${window.to}
       GROUP BY 1`,
    db.$queryRaw<
      {
        pipeline_id: string;
        repo: string;
        name: string;
        day: string;
        success: bigint;
        failed: bigint;
        timed: bigint;
        total_s: number | null;
      }[]
    >`
      SELECT p.id AS pipeline_id, r.name AS repo, p.name,
             to_char(pr.finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
             count(*) FILTER (WHERE pr.status = 'success') AS success,
             count(*) FILTER (WHERE pr.status = 'failed') AS failed,
             count(pr.started_at) AS timed,
             sum(extract(epoch FROM pr.finished_at - pr.started_at))::float8 AS total_s
        FROM pipeline_runs pr
        JOIN pipelines p ON p.id = pr.pipeline_id
        JOIN repos r ON r.id = p.repo_id
       WHERE pr.finished_at >= ${daily.from} AND pr.finished_at < ${daily.to} AND pr.status IN ('success', 'failed')
       GROUP BY p.id, r.name, p.name, day`,
  ]);
  const totals = (rows: typeof detect) =>
    rows.map((r) => ({ day: r.day, count: Number(r.n), totalSeconds: r.total_s }));
  const meanTimeToDetect = meanSeries(totals(detect), window.buckets, unit);
  const meanTimeToDeploy = meanSeries(totals(deploy), window.buckets, unit);

  const byPipeline = new Map<string, { id: string; repo: string; name: string; rows: typeof pipelines }>();
  for (const row of pipelines) {
    const p = byPipeline.get(row.pipeline_id) ?? { id: row.pipeline_id, repo: row.repo, name: row.name, rows: [] };
    p.rows.push(row);
    byPipeline.set(row.pipeline_id, p);
  }
  return {
    days: input.days,
    unit,
    from: window.from,
    to: window.to,
    northStar: {
      meanTimeToDetect: { points: meanTimeToDetect, overallSeconds: overallMean(meanTimeToDetect) },
      meanTimeToDeploy: { points: meanTimeToDeploy, overallSeconds: overallMean(meanTimeToDeploy) },
    },
    pipelines: [...byPipeline.values()]
      .map((p) => {
        const points = outcomeSeries(
          p.rows.map((r) => ({
            day: r.day,
            success: Number(r.success),
            failed: Number(r.failed),
            timed: Number(r.timed),
            totalSeconds: r.total_s ?? 0,
          })),
          daily.buckets,
          'day',
        );
        const success = p.rows.reduce((n, r) => n + Number(r.success), 0);
        const runs = success + p.rows.reduce((n, r) => n + Number(r.failed), 0);
        return { id: p.id, repo: p.repo, name: p.name, runs, successRate: runs > 0 ? success / runs : null, points };
      })
      .sort((a, b) => a.repo.localeCompare(b.repo) || a.name.localeCompare(b.name)),
  };
}

export type InsightsTrends = Awaited<ReturnType<typeof insightsTrends>>;
