// Health figures from the built-in traffic-splitting proxy: the orchestrator
// keeps cumulative counters per version, so a window is the difference of a
// snapshot at its start and one at its end. Exact, and needs nothing outside
// Switchyard; it sees only the traffic that passes through our proxy.
import type { WindowStats } from '../health-analysis';
import type { Orchestrator } from '../orchestrator';
import type { MetricsSource, MetricsWindow } from './metrics-source';
import { windowStats, type VersionCounts } from './version-metrics';

/** A window over nothing: the version is gone, or never answered a request. */
const NO_TRAFFIC: WindowStats = { requests: 0, errors: 0, p99Ms: null };

export class ProxyMetricsSource implements MetricsSource {
  readonly name = 'proxy';

  constructor(private readonly orchestrator: Pick<Orchestrator, 'counts'>) {}

  async startWindow(environment: string, version: string): Promise<MetricsWindow> {
    const before = this.orchestrator.counts(environment, version);
    return {
      read: async () => {
        const after = this.orchestrator.counts(environment, version);
        if (!after) return NO_TRAFFIC;
        return windowStats(wasReset(before, after) ? undefined : before, after);
      },
    };
  }
}

/**
 * Counters only grow while a version stays registered; fewer requests at the
 * end than at the start means they started again from zero (the proxy was
 * restarted), so everything counted since is in the window, as with
 * Prometheus' counter resets.
 */
function wasReset(before: VersionCounts | undefined, after: VersionCounts): boolean {
  return before !== undefined && after.requests < before.requests;
}
