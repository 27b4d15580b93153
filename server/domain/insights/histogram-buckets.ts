// Bucket bounds of the histograms /api/metrics exports, and the arithmetic
// that turns per-bucket counts (what the SQL returns) into the cumulative
// `le` series Prometheus expects. Pure: no database, no clock.

/** Queued → claimed, in seconds: a CI dispatcher answers in milliseconds when idle, minutes when backed up. */
export const CLAIM_LATENCY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600] as const;

/** Started → finished, in seconds: from a lint step to a long integration suite. */
export const JOB_DURATION_BUCKETS = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200] as const;

/**
 * The index of the first bucket whose upper bound is at or above `value`
 * (Prometheus buckets are `le`, upper bound inclusive); `bounds.length` is
 * the +Inf bucket. A negative value (clock skew) counts in the first bucket.
 */
export function bucketIndex(value: number, bounds: readonly number[]): number {
  const i = bounds.findIndex((le) => value <= le);
  return i === -1 ? bounds.length : i;
}

/** Per-bucket counts (one more than bounds: the last is +Inf) → cumulative counts per `le`, +Inf last. */
export function cumulativeCounts(perBucket: readonly number[], bounds: readonly number[]): number[] {
  if (perBucket.length !== bounds.length + 1) {
    throw new Error(`expected ${bounds.length + 1} bucket counts (with +Inf), got ${perBucket.length}`);
  }
  let total = 0;
  return perBucket.map((c) => (total += c));
}
