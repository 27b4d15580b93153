// The rows behind /api/metrics' histograms, counted per bucket in SQL for a
// time range (from, to]: claim latency per attempt and duration per finished
// job. histogram-tally.ts adds each range once, so the totals only go up.
import type { DbTx } from '../../db/client';
import { DEPLOY_POOL_PREFIX } from '../deployment/request';
import type { SeriesDelta } from './histogram-tally';

interface BucketRow {
  labels: Record<string, string>;
  bucket: number;
  n: number;
  sum: number;
}

/** Groups (labels, bucket index, count, sum) rows into one per-bucket series per label set. */
export function groupBuckets(rows: readonly BucketRow[], bounds: readonly number[]): SeriesDelta[] {
  const series = new Map<string, SeriesDelta>();
  for (const r of rows) {
    if (!Number.isInteger(r.bucket) || r.bucket < 0 || r.bucket > bounds.length) {
      throw new Error(`bucket index ${r.bucket} is outside 0..${bounds.length}`);
    }
    const key = JSON.stringify(Object.entries(r.labels).sort(([a], [b]) => a.localeCompare(b)));
    const s = series.get(key) ?? { labels: r.labels, buckets: new Array<number>(bounds.length + 1).fill(0), sum: 0 };
    s.buckets[r.bucket]! += r.n;
    s.sum += r.sum;
    series.set(key, s);
  }
  return [...series.values()];
}

/**
 * Claim latency of the attempts claimed in (from, to], per pool: from the
 * moment the job was last queued before the claim (its `job.status → queued`
 * event; a retry or a requeue after a lost runner queues it again) to the
 * attempt's start. The bucket is the first bound at or above the latency.
 */
export async function claimLatencyRows(
  db: DbTx,
  range: { from: Date; to: Date },
  bounds: readonly number[],
): Promise<SeriesDelta[]> {
  const rows = await db.$queryRaw<{ pool: string; bucket: number; n: bigint; sum: number }[]>`
    SELECT pool, (SELECT count(*) FROM unnest(${[...bounds]}::float8[]) b WHERE b < s.latency)::int AS bucket,
           count(*) AS n, sum(s.latency)::float8 AS sum
      FROM (
        SELECT j.pool, extract(epoch FROM a.started_at - coalesce(q.queued_at, j.queued_at, a.started_at))::float8 AS latency
          FROM job_attempts a
          JOIN jobs j ON j.id = a.job_id AND j.created_at = a.job_created_at
          LEFT JOIN LATERAL (
            SELECT e.created_at AS queued_at FROM run_events e
             WHERE e.job_id = a.job_id AND e.job_created_at = a.job_created_at
               AND e.kind = 'job.status' AND e.to_status = 'queued' AND e.created_at <= a.started_at
             ORDER BY e.created_at DESC, e.id DESC LIMIT 1
          ) q ON true
         WHERE a.started_at > ${range.from} AND a.started_at <= ${range.to}
           AND NOT starts_with(j.pool, ${DEPLOY_POOL_PREFIX})
      ) s
     GROUP BY pool, bucket`;
  return groupBuckets(
    rows.map((r) => ({ labels: { pool: r.pool }, bucket: r.bucket, n: Number(r.n), sum: r.sum })),
    bounds,
  );
}

/** Duration (started → finished) of the runner jobs that finished in (from, to], per pool and final status. */
export async function jobDurationRows(
  db: DbTx,
  range: { from: Date; to: Date },
  bounds: readonly number[],
): Promise<SeriesDelta[]> {
  const rows = await db.$queryRaw<{ pool: string; status: string; bucket: number; n: bigint; sum: number }[]>`
    SELECT pool, status, (SELECT count(*) FROM unnest(${[...bounds]}::float8[]) b WHERE b < s.seconds)::int AS bucket,
           count(*) AS n, sum(s.seconds)::float8 AS sum
      FROM (
        SELECT pool, status::text AS status, extract(epoch FROM finished_at - started_at)::float8 AS seconds
          FROM jobs
         WHERE finished_at > ${range.from} AND finished_at <= ${range.to} AND started_at IS NOT NULL
           AND status IN ('success', 'failed', 'cancelled')
           AND NOT starts_with(pool, ${DEPLOY_POOL_PREFIX})
      ) s
     GROUP BY pool, status, bucket`;
  return groupBuckets(
    rows.map((r) => ({ labels: { pool: r.pool, status: r.status }, bucket: r.bucket, n: Number(r.n), sum: r.sum })),
    bounds,
  );
}
