// The health figures' source the environment picks: a Prometheus server when
// PROMETHEUS_URL is set, else the orchestrator's own proxy counters.
import type { ServerEnv } from '../../env';
import type { Orchestrator } from '../orchestrator';
import type { MetricsSource } from './metrics-source';
import { PrometheusMetricsSource } from './prometheus-source';
import { ProxyMetricsSource } from './proxy-source';

export function metricsSourceFromEnv(env: ServerEnv, orchestrator: Pick<Orchestrator, 'counts'>): MetricsSource {
  return env.PROMETHEUS_URL
    ? new PrometheusMetricsSource({
        url: env.PROMETHEUS_URL,
        scrapeIntervalSeconds: env.PROMETHEUS_SCRAPE_INTERVAL_SECONDS,
      })
    : new ProxyMetricsSource(orchestrator);
}
