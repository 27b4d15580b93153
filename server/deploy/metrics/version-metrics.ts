// Request figures per version of an environment, as the traffic-splitting
// proxy sees them: cumulative counters and a latency histogram, like a
// Prometheus client keeps them. A health window is the difference of two
// snapshots; the same figures are exposed in Prometheus text format so a real
// Prometheus can scrape them and answer the same questions.
import type { WindowStats } from '../health-analysis';

/** Upper bounds of the latency buckets, in milliseconds (+Inf is implied). */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000] as const;

export const REQUESTS_METRIC = 'switchyard_deploy_requests_total';
export const DURATION_METRIC = 'switchyard_deploy_request_duration_seconds';

/** Cumulative figures of one version since it was registered. */
export interface VersionCounts {
  requests: number;
  /** 5xx answers, and requests no instance answered. */
  errors: number;
  /** Requests per latency bucket, not cumulative; one more than LATENCY_BUCKETS_MS (the +Inf bucket). */
  buckets: number[];
  sumMs: number;
}

export function emptyCounts(): VersionCounts {
  return { requests: 0, errors: 0, buckets: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), sumMs: 0 };
}

function bucketOf(ms: number): number {
  const i = LATENCY_BUCKETS_MS.findIndex((le) => ms <= le);
  return i === -1 ? LATENCY_BUCKETS_MS.length : i;
}

/**
 * The q-quantile of a histogram (non-cumulative counts per bucket), by linear
 * interpolation inside the bucket it falls in, as Prometheus'
 * histogram_quantile does; the +Inf bucket answers its lower bound.
 */
export function quantileMs(q: number, buckets: readonly number[]): number | null {
  const total = buckets.reduce((n, c) => n + c, 0);
  if (total === 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < buckets.length; i++) {
    const count = buckets[i]!;
    if (seen + count >= rank && count > 0) {
      if (i === LATENCY_BUCKETS_MS.length) return LATENCY_BUCKETS_MS[i - 1]!;
      const lower = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1]!;
      const upper = LATENCY_BUCKETS_MS[i]!;
      return lower + (upper - lower) * ((rank - seen) / count);
    }
    seen += count;
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1]!;
}

/** What happened between two snapshots of one version (`before` undefined: since it was registered). */
export function windowStats(before: VersionCounts | undefined, after: VersionCounts): WindowStats {
  const base = before ?? emptyCounts();
  const buckets = after.buckets.map((c, i) => c - (base.buckets[i] ?? 0));
  return {
    requests: after.requests - base.requests,
    errors: after.errors - base.errors,
    p99Ms: quantileMs(0.99, buckets),
  };
}

function labelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** The counters of every version of one environment. */
export class VersionMetrics {
  private readonly counts = new Map<string, VersionCounts>();

  /** Starts a version's series at zero, so a scraper sees the baseline before its first request. */
  register(version: string): void {
    if (!this.counts.has(version)) this.counts.set(version, emptyCounts());
  }

  /** One answered request (`status` null: no instance answered). */
  record(version: string, status: number | null, ms: number): void {
    this.register(version);
    const c = this.counts.get(version)!;
    c.requests++;
    if (status === null || status >= 500) c.errors++;
    c.buckets[bucketOf(ms)]!++;
    c.sumMs += ms;
  }

  /** A copy of the figures of one version so far. */
  snapshot(version: string): VersionCounts | undefined {
    const c = this.counts.get(version);
    return c && { ...c, buckets: [...c.buckets] };
  }

  versions(): string[] {
    return [...this.counts.keys()];
  }

  /** Prometheus text exposition format (0.0.4). */
  render(environment: string): string {
    const lines = [
      `# HELP ${REQUESTS_METRIC} Requests the environment's proxy answered, by version and outcome.`,
      `# TYPE ${REQUESTS_METRIC} counter`,
    ];
    const env = labelValue(environment);
    for (const [version, c] of this.counts) {
      const l = `environment="${env}",version="${labelValue(version)}"`;
      lines.push(`${REQUESTS_METRIC}{${l},outcome="ok"} ${c.requests - c.errors}`);
      lines.push(`${REQUESTS_METRIC}{${l},outcome="error"} ${c.errors}`);
    }
    lines.push(
      `# HELP ${DURATION_METRIC} Time to the end of the answer, by version.`,
      `# TYPE ${DURATION_METRIC} histogram`,
    );
    for (const [version, c] of this.counts) {
      const l = `environment="${env}",version="${labelValue(version)}"`;
      let cumulative = 0;
      for (const [i, le] of LATENCY_BUCKETS_MS.entries()) {
        cumulative += c.buckets[i]!;
        lines.push(`${DURATION_METRIC}_bucket{${l},le="${le / 1000}"} ${cumulative}`);
      }
      lines.push(`${DURATION_METRIC}_bucket{${l},le="+Inf"} ${c.requests}`);
      lines.push(`${DURATION_METRIC}_sum{${l}} ${c.sumMs / 1000}`);
      lines.push(`${DURATION_METRIC}_count{${l}} ${c.requests}`);
    }
    return lines.join('\n') + '\n';
  }
}
