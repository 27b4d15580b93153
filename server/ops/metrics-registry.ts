// GET /api/metrics: the system's figures in Prometheus text format, built by
// prom-client in a Registry made for each scrape (nothing is shared with
// prom-client's global default registry). Gauges are read from the database
// at scrape time; the two histograms are running totals kept by
// HistogramTally (see there why), the only state that outlives a scrape.
import { Gauge, Histogram, Registry } from 'prom-client';
import type { DbTx } from '../db/client';
import { CLAIM_LATENCY_BUCKETS, JOB_DURATION_BUCKETS, cumulativeCounts } from '../domain/insights/histogram-buckets';
import { HistogramTally, type SeriesDelta } from '../domain/insights/histogram-tally';
import { claimLatencyRows, jobDurationRows } from '../domain/insights/metric-histograms';
import {
  deploymentGauges,
  northStarGauges,
  queueGauges,
  rollbackGauges,
  runnerGauges,
  runsByStatus,
} from '../domain/insights/metric-gauges';

/** A claim or finish stamped this long ago is surely committed: rows newer than that wait for the next scrape. */
export const DEFAULT_SETTLE_MS = 30_000;

/** What one process keeps between scrapes. */
export interface MetricsState {
  claimLatency: HistogramTally;
  jobDuration: HistogramTally;
  /** Scrapes that update the tallies run one at a time. */
  busy: Promise<unknown>;
}

export function createMetricsState(startedAt: Date): MetricsState {
  return {
    claimLatency: new HistogramTally(CLAIM_LATENCY_BUCKETS, startedAt),
    jobDuration: new HistogramTally(JOB_DURATION_BUCKETS, startedAt),
    busy: Promise.resolve(),
  };
}

export interface RenderedMetrics {
  contentType: string;
  text: string;
}

/**
 * A prom-client histogram whose series come from a HistogramTally instead of
 * observe(): prom-client has no way to set bucket counts, so this replaces
 * the one method the registry reads them through.
 */
class TalliedHistogram extends Histogram<string> {
  private readonly bounds: readonly number[];
  private readonly metricName: string;
  private readonly metricHelp: string;
  private series: SeriesDelta[] = [];

  constructor(cfg: {
    name: string;
    help: string;
    labelNames: string[];
    bounds: readonly number[];
    registry: Registry;
  }) {
    super({
      name: cfg.name,
      help: cfg.help,
      labelNames: cfg.labelNames,
      buckets: [...cfg.bounds],
      registers: [cfg.registry],
    });
    this.bounds = cfg.bounds;
    this.metricName = cfg.name;
    this.metricHelp = cfg.help;
  }

  setSeries(series: SeriesDelta[]): void {
    this.series = series;
  }

  async getForPromString() {
    const values = this.series.flatMap((s) => {
      const cumulative = cumulativeCounts(s.buckets, this.bounds);
      const count = cumulative.at(-1) ?? 0;
      return [
        ...this.bounds.map((le, i) => ({
          labels: { le },
          sharedLabels: s.labels,
          value: cumulative[i]!,
          metricName: `${this.metricName}_bucket`,
        })),
        { labels: { le: '+Inf' }, sharedLabels: s.labels, value: count, metricName: `${this.metricName}_bucket` },
        { labels: {}, sharedLabels: s.labels, value: s.sum, metricName: `${this.metricName}_sum` },
        { labels: {}, sharedLabels: s.labels, value: count, metricName: `${this.metricName}_count` },
      ];
    });
    return {
      name: this.metricName,
      help: this.metricHelp,
      type: 'histogram' as const,
      values,
      aggregator: 'sum' as const,
    };
  }
}

/** Adds the rows stamped since the last scrape to both tallies. */
async function updateTallies(db: DbTx, state: MetricsState, now: Date, settleMs: number): Promise<void> {
  const latencyRange = state.claimLatency.range(now, settleMs);
  if (latencyRange) {
    state.claimLatency.add(latencyRange, await claimLatencyRows(db, latencyRange, state.claimLatency.bounds));
  }
  const durationRange = state.jobDuration.range(now, settleMs);
  if (durationRange) {
    state.jobDuration.add(durationRange, await jobDurationRows(db, durationRange, state.jobDuration.bounds));
  }
}

function gauge(registry: Registry, name: string, help: string, labelNames: string[]) {
  return new Gauge({ name, help, labelNames, registers: [registry] });
}

/** Reads every figure and renders them in Prometheus text format (0.0.4). */
export async function renderMetrics(
  db: DbTx,
  state: MetricsState,
  now: Date,
  opts: { settleMs?: number } = {},
): Promise<RenderedMetrics> {
  const tallied = state.busy.then(() => updateTallies(db, state, now, opts.settleMs ?? DEFAULT_SETTLE_MS));
  state.busy = tallied.catch(() => undefined);
  const [, queues, runs, runners, deployments, rollbacks, northStar] = await Promise.all([
    tallied,
    queueGauges(db, now),
    runsByStatus(db),
    runnerGauges(db, now),
    deploymentGauges(db),
    rollbackGauges(db),
    northStarGauges(db, now),
  ]);

  const registry = new Registry();
  const depth = gauge(registry, 'switchyard_queue_depth', 'Jobs queued for a runner, per pool and priority.', [
    'pool',
    'priority',
  ]);
  const oldest = gauge(
    registry,
    'switchyard_queue_oldest_wait_seconds',
    'How long the oldest queued job of the pool and priority has waited.',
    ['pool', 'priority'],
  );
  for (const q of queues) {
    const labels = { pool: q.pool, priority: String(q.priority) };
    depth.set(labels, q.depth);
    oldest.set(labels, q.oldestWaitSeconds);
  }

  const claim = new TalliedHistogram({
    name: 'switchyard_claim_latency_seconds',
    help: 'From a job being queued to a runner claiming it, per attempt and pool; counted since this process started.',
    labelNames: ['pool'],
    bounds: CLAIM_LATENCY_BUCKETS,
    registry,
  });
  claim.setSeries(state.claimLatency.snapshot());
  const duration = new TalliedHistogram({
    name: 'switchyard_job_duration_seconds',
    help: 'From a job starting to it finishing, per pool and final status; counted since this process started.',
    labelNames: ['pool', 'status'],
    bounds: JOB_DURATION_BUCKETS,
    registry,
  });
  duration.setSeries(state.jobDuration.snapshot());

  const runGauge = gauge(registry, 'switchyard_runs', 'Pipeline runs the database holds, per status.', ['status']);
  for (const [status, n] of Object.entries(runs)) runGauge.set({ status }, n);

  const runnerGauge = gauge(
    registry,
    'switchyard_runners',
    'Registered runners per pool and state (online: seen within the last 30 s).',
    ['pool', 'state'],
  );
  for (const r of runners) runnerGauge.set({ pool: r.pool, state: r.state }, r.count);

  const depGauge = gauge(
    registry,
    'switchyard_deployments',
    'Deployments the database holds, per environment and status.',
    ['environment', 'status'],
  );
  for (const d of deployments) depGauge.set({ environment: d.environment, status: d.status }, d.count);

  const rollbackGauge = gauge(
    registry,
    'switchyard_deployment_rollbacks',
    'Rollbacks per environment: automatic (health broke) or manual (a deployer asked).',
    ['environment', 'kind'],
  );
  for (const r of rollbacks) rollbackGauge.set({ environment: r.environment, kind: r.kind }, r.count);

  const window = `${northStar.windowDays}d`;
  const mttd = gauge(
    registry,
    'switchyard_mean_time_to_detect_seconds',
    'Mean time from a push to its run known failed, over the window; absent when no build broke.',
    ['window'],
  );
  if (northStar.meanTimeToDetectSeconds !== null) mttd.set({ window }, northStar.meanTimeToDetectSeconds);
  gauge(registry, 'switchyard_broken_builds', 'Runs known failed within the window.', ['window']).set(
    { window },
    northStar.brokenBuilds,
  );
  const mttdeploy = gauge(
    registry,
    'switchyard_mean_time_to_deploy_seconds',
    'Mean time from a push to production healthy with it, over the window; absent when nothing was deployed.',
    ['window'],
  );
  if (northStar.meanTimeToDeploySeconds !== null) mttdeploy.set({ window }, northStar.meanTimeToDeploySeconds);
  gauge(registry, 'switchyard_production_deploys', 'Runs deployed to production within the window.', ['window']).set(
    { window },
    northStar.deploys,
  );

  return { contentType: registry.contentType, text: await registry.metrics() };
}
