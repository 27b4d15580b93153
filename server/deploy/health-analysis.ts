// The verdict on a new version's health over one analysis window: its error
// rate and p99 latency against the config's thresholds. Too few requests to
// judge is inconclusive (the rollout pauses and looks again), never a pass:
// a canary that got no traffic has proven nothing.
import type { HealthConfig } from '../domain/pipeline-config/model';

export interface WindowStats {
  /** Requests the new version answered in the window. */
  requests: number;
  /** Of those, answers with a 5xx status (or no answer at all). */
  errors: number;
  /** p99 latency in the window; null when unknown (no requests). */
  p99Ms: number | null;
}

export type Verdict = 'pass' | 'fail' | 'inconclusive';

export interface HealthResult {
  verdict: Verdict;
  errorRate: number | null;
  p99Ms: number | null;
  requests: number;
  /** Why, in words a person reads on the deployments page. */
  reasons: string[];
}

/** Fewer requests than this in a window cannot show a 5 % error rate with any confidence. */
export const DEFAULT_MIN_REQUESTS = 20;

function percent(x: number): string {
  return `${+(x * 100).toFixed(2)} %`;
}

export function analyzeHealth(
  stats: WindowStats,
  health: Pick<HealthConfig, 'maxErrorRate' | 'maxP99Ms'>,
  minRequests = DEFAULT_MIN_REQUESTS,
): HealthResult {
  const errorRate = stats.requests > 0 ? stats.errors / stats.requests : null;
  const base = { errorRate, p99Ms: stats.p99Ms, requests: stats.requests };
  const reasons: string[] = [];
  // A breach is a breach however few requests saw it: enough errors alone fail the version.
  const errorsAlone = stats.errors > health.maxErrorRate * Math.max(stats.requests, minRequests);
  if (errorRate !== null && errorRate > health.maxErrorRate && (stats.requests >= minRequests || errorsAlone)) {
    reasons.push(
      `error rate ${percent(errorRate)} is over ${percent(health.maxErrorRate)} (${stats.errors} of ${stats.requests})`,
    );
  }
  if (
    health.maxP99Ms !== null &&
    stats.p99Ms !== null &&
    stats.p99Ms > health.maxP99Ms &&
    stats.requests >= minRequests
  ) {
    reasons.push(`p99 latency ${Math.round(stats.p99Ms)} ms is over ${health.maxP99Ms} ms`);
  }
  if (reasons.length > 0) return { ...base, verdict: 'fail', reasons };
  if (stats.requests < minRequests) {
    return {
      ...base,
      verdict: 'inconclusive',
      reasons: [
        `only ${stats.requests} request${stats.requests === 1 ? '' : 's'} in the window; ${minRequests} are needed to judge`,
      ],
    };
  }
  return {
    ...base,
    verdict: 'pass',
    reasons: [
      `error rate ${percent(errorRate ?? 0)} within ${percent(health.maxErrorRate)}` +
        (health.maxP99Ms !== null && stats.p99Ms !== null
          ? `, p99 ${Math.round(stats.p99Ms)} ms within ${health.maxP99Ms} ms`
          : ''),
    ],
  };
}
