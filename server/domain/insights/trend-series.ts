// The insights page's time buckets, kept pure: which days or weeks a window
// covers, which bucket a day falls in, and per-day sums rolled up into the
// series a chart draws (means weighted by count, gaps as null). Days are UTC
// calendar days as 'YYYY-MM-DD'; weeks start on Monday, as PostgreSQL's
// date_trunc('week') does.

export type TrendUnit = 'day' | 'week';

const DAY_MS = 86_400_000;

function dayKey(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function parseDay(day: string): Date {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new Error(`not a day: ${day}`);
  return new Date(`${day}T00:00:00Z`);
}

/** The bucket a day belongs to: the day itself, or the Monday of its week. */
export function bucketOf(day: string, unit: TrendUnit): string {
  if (unit === 'day') return dayKey(parseDay(day));
  const d = parseDay(day);
  const sinceMonday = (d.getUTCDay() + 6) % 7;
  return dayKey(new Date(d.getTime() - sinceMonday * DAY_MS));
}

/**
 * The window of the last `days` days up to and including today (UTC), widened
 * to whole weeks for `week`: [from, to) and the buckets in order.
 */
export function trendWindow(now: Date, days: number, unit: TrendUnit): { from: Date; to: Date; buckets: string[] } {
  if (!Number.isInteger(days) || days < 1) throw new Error(`a window needs a whole number of days, got ${days}`);
  const to = new Date(parseDay(dayKey(now)).getTime() + DAY_MS);
  const first = dayKey(new Date(to.getTime() - days * DAY_MS));
  const from = parseDay(bucketOf(first, unit));
  const step = unit === 'day' ? DAY_MS : 7 * DAY_MS;
  const buckets: string[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += step) buckets.push(dayKey(new Date(t)));
  return { from, to, buckets };
}

/** Per day: how many, and the sum of their seconds. */
export interface DayTotal {
  day: string;
  count: number;
  totalSeconds: number;
}

export interface MeanPoint {
  start: string;
  count: number;
  /** null when nothing fell in the bucket. */
  meanSeconds: number | null;
}

/** Rolls per-day totals up into one point per bucket; days outside the buckets are left out. */
export function meanSeries(rows: readonly DayTotal[], buckets: readonly string[], unit: TrendUnit): MeanPoint[] {
  const acc = new Map(buckets.map((b) => [b, { count: 0, total: 0 }]));
  for (const r of rows) {
    const a = acc.get(bucketOf(r.day, unit));
    if (!a) continue;
    a.count += r.count;
    a.total += r.totalSeconds;
  }
  return buckets.map((start) => {
    const a = acc.get(start)!;
    return { start, count: a.count, meanSeconds: a.count > 0 ? a.total / a.count : null };
  });
}

/** Per day and pipeline: finished runs by outcome, and their total duration. */
export interface DayOutcomes {
  day: string;
  success: number;
  failed: number;
  /** Of those, the runs with a start time, and the sum of their durations. */
  timed: number;
  totalSeconds: number;
}

export interface OutcomePoint {
  start: string;
  runs: number;
  /** success / (success + failed); null when no run finished. */
  successRate: number | null;
  meanDurationSeconds: number | null;
}

export function outcomeSeries(
  rows: readonly DayOutcomes[],
  buckets: readonly string[],
  unit: TrendUnit,
): OutcomePoint[] {
  const acc = new Map(buckets.map((b) => [b, { success: 0, failed: 0, timed: 0, total: 0 }]));
  for (const r of rows) {
    const a = acc.get(bucketOf(r.day, unit));
    if (!a) continue;
    a.success += r.success;
    a.failed += r.failed;
    a.timed += r.timed;
    a.total += r.totalSeconds;
  }
  return buckets.map((start) => {
    const a = acc.get(start)!;
    const runs = a.success + a.failed;
    return {
      start,
      runs,
      successRate: runs > 0 ? a.success / runs : null,
      meanDurationSeconds: a.timed > 0 ? a.total / a.timed : null,
    };
  });
}

/** The mean over a whole series (weighted by count); null when it is empty. */
export function overallMean(points: readonly MeanPoint[]): number | null {
  const count = points.reduce((n, p) => n + p.count, 0);
  if (count === 0) return null;
  return points.reduce((s, p) => s + (p.meanSeconds ?? 0) * p.count, 0) / count;
}
