// How the deployments page writes versions, rates, latencies and statuses.
import type { DeploymentStatus, DeploymentView, HealthCheckView } from './types';

/** A version label (a deployment id) as people compare them: its first 8 characters. */
export function shortVersion(version: string | null): string {
  return version ? version.slice(0, 8) : '—';
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/** 0.0213 → "2.1 %"; null (no requests) → "—". */
export function formatRate(rate: number | null): string {
  if (rate === null) return '—';
  return `${Number((rate * 100).toFixed(1))} %`;
}

/** 4.27 → "4.3 ms", 212 → "212 ms", 1530 → "1.53 s". */
export function formatMs(ms: number | null): string {
  if (ms === null) return '—';
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(2))} s`;
  return ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export function strategyLabel(strategy: DeploymentView['strategy']): string {
  return strategy.replace('_', '-');
}

/**
 * "canary 25 → 100 %", "rolling", "blue-green"; a first deploy has nothing to
 * shift traffic from, and a rollback moves all traffic at once.
 */
export function planLabel(
  d: Pick<DeploymentView, 'strategy' | 'steps' | 'previousDeploymentId' | 'rollbackOfId'>,
): string {
  if (d.rollbackOfId) return 'fast path';
  if (!d.previousDeploymentId) return `${strategyLabel(d.strategy)}, first deploy: all at once`;
  return d.strategy === 'canary' ? `canary ${d.steps.join(' → ')} %` : strategyLabel(d.strategy);
}

export type Tone = 'ok' | 'bad' | 'active' | 'quiet';

/** Each status's word, icon (never the only cue) and colour. */
export const DEPLOYMENT_STATUS: Record<DeploymentStatus, { label: string; icon: string; tone: Tone }> = {
  pending: { label: 'pending', icon: '○', tone: 'quiet' },
  awaiting_approval: { label: 'awaiting approval', icon: '◇', tone: 'active' },
  in_progress: { label: 'rolling out', icon: '◐', tone: 'active' },
  success: { label: 'success', icon: '✓', tone: 'ok' },
  rolled_back: { label: 'rolled back', icon: '↩', tone: 'bad' },
  rejected: { label: 'rejected', icon: '✕', tone: 'bad' },
  failed: { label: 'failed', icon: '✕', tone: 'bad' },
  cancelled: { label: 'cancelled', icon: '⊘', tone: 'quiet' },
};

/** "2 of 2 health windows passed", "failed at 25 %", or null when none were watched. */
export function checksSummary(checks: HealthCheckView[]): { text: string; tone: Tone } | null {
  if (checks.length === 0) return null;
  const failed = checks.find((c) => c.verdict === 'fail');
  if (failed) return { text: `health check failed at ${failed.step} %`, tone: 'bad' };
  const passed = checks.filter((c) => c.verdict === 'pass').length;
  const windows = `${checks.length} health window${checks.length === 1 ? '' : 's'}`;
  return passed === checks.length
    ? { text: `health checks passed (${windows})`, tone: 'ok' }
    : { text: `${passed} of ${windows} passed, the rest inconclusive`, tone: 'active' };
}
