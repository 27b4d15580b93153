import { serverEnv } from '@/server/env';
import { metricsAuthorized } from '@/server/ops/metrics-auth';
import { createMetricsState, renderMetrics, type MetricsState } from '@/server/ops/metrics-registry';
import { webServices } from '@/server/web';

export const dynamic = 'force-dynamic';

/** The histograms' running totals live as long as this web process (see server/ops/metrics-registry.ts). */
const globalForMetrics = globalThis as unknown as { switchyardMetrics?: MetricsState };

/** Prometheus text format; with METRICS_TOKEN set, only for `Authorization: Bearer <token>`. */
export async function GET(request: Request) {
  if (!metricsAuthorized(request.headers.get('authorization'), serverEnv().METRICS_TOKEN)) {
    return new Response('Unauthorized: send Authorization: Bearer <METRICS_TOKEN>\n', {
      status: 401,
      headers: { 'www-authenticate': 'Bearer realm="switchyard-metrics"', 'cache-control': 'no-store' },
    });
  }
  const { db, now } = webServices();
  globalForMetrics.switchyardMetrics ??= createMetricsState(now());
  const metrics = await renderMetrics(db, globalForMetrics.switchyardMetrics, now());
  return new Response(metrics.text, { headers: { 'content-type': metrics.contentType, 'cache-control': 'no-store' } });
}
