// The Prometheus source against a real Prometheus scraping real counters (a
// VersionMetrics served over HTTP as the proxy serves it): the same traffic
// must read the same through Prometheus as through the proxy's counters,
// within the extrapolation of increase().
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusBinary, startPrometheus, type TestPrometheus } from '../../../tests/prometheus';
import type { WindowStats } from '../health-analysis';
import { PrometheusMetricsSource } from './prometheus-source';
import { ProxyMetricsSource } from './proxy-source';
import { VersionMetrics } from './version-metrics';

const ENVIRONMENT = 'staging';
const STABLE = 'v1';
/** Quotes and a backslash: label values must be escaped alike in the exposition and in PromQL. */
const CANARY = 'v2 "canary" \\ rc';
/** increase() extrapolates to the edges of its range from the samples inside it. */
const TOLERANCE = 0.15;

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

/** 200 requests per version spread over 4 s: v1 all fine at 10 ms; v2 one in ten 503, one in twenty at 800 ms. */
async function sendTraffic(metrics: VersionMetrics): Promise<void> {
  let n = 0;
  for (let tick = 0; tick < 40; tick++) {
    for (let i = 0; i < 5; i++, n++) {
      metrics.record(STABLE, 200, 10);
      metrics.record(CANARY, n % 10 === 3 ? 503 : 200, n % 20 === 7 ? 800 : 10);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function within(actual: number, expected: number, tolerance: number): void {
  expect(actual, `${actual} within ${tolerance * 100} % of ${expected}`).toBeGreaterThanOrEqual(
    expected * (1 - tolerance),
  );
  expect(actual, `${actual} within ${tolerance * 100} % of ${expected}`).toBeLessThanOrEqual(
    expected * (1 + tolerance),
  );
}

describe.skipIf(!prometheusBinary())('PrometheusMetricsSource with a real Prometheus', () => {
  const metrics = new VersionMetrics();
  const target = http.createServer((req, res) => {
    if (req.url !== '/_switchyard/metrics') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(metrics.render(ENVIRONMENT));
  });
  let prometheus: TestPrometheus;

  beforeAll(async () => {
    const port = await listen(target);
    prometheus = await startPrometheus({
      target: `127.0.0.1:${port}`,
      metricsPath: '/_switchyard/metrics',
      scrapeIntervalSeconds: 1,
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise((resolve) => target.close(resolve));
  });

  it('reads requests, errors and p99 of a window as the proxy does', async () => {
    metrics.register(STABLE);
    metrics.register(CANARY);
    // Prometheus knows the series at zero before the traffic starts.
    await prometheus.waitForScrape();
    const viaPrometheus = new PrometheusMetricsSource({ url: prometheus.url, scrapeIntervalSeconds: 1 });
    const viaProxy = new ProxyMetricsSource({
      counts: (environment, version) => (environment === ENVIRONMENT ? metrics.snapshot(version) : undefined),
    });
    const windows = await Promise.all(
      [viaPrometheus, viaProxy].flatMap((source) => [STABLE, CANARY].map((v) => source.startWindow(ENVIRONMENT, v))),
    );

    await sendTraffic(metrics);
    const [promStable, promCanary, proxyStable, proxyCanary] = (await Promise.all(windows.map((w) => w.read()))) as [
      WindowStats,
      WindowStats,
      WindowStats,
      WindowStats,
    ];

    expect(proxyStable).toMatchObject({ requests: 200, errors: 0 });
    expect(proxyCanary).toMatchObject({ requests: 200, errors: 20 });
    expect(proxyCanary.p99Ms).toBeGreaterThan(500);

    within(promStable.requests, proxyStable.requests, TOLERANCE);
    expect(promStable.errors).toBe(0);
    expect(promStable.p99Ms).toBeLessThanOrEqual(10);

    within(promCanary.requests, proxyCanary.requests, TOLERANCE);
    expect(promCanary.errors / promCanary.requests).toBeCloseTo(0.1, 1);
    expect(promCanary.p99Ms).toBeGreaterThan(500);
    within(promCanary.p99Ms!, proxyCanary.p99Ms!, TOLERANCE);
  });
});

describe('PrometheusMetricsSource without a Prometheus', () => {
  it('says the server is unreachable and why', async () => {
    const closed = http.createServer();
    const port = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const source = new PrometheusMetricsSource({ url: `http://127.0.0.1:${port}`, scrapeIntervalSeconds: 0 });

    const window = await source.startWindow(ENVIRONMENT, STABLE);

    await expect(window.read()).rejects.toThrow(
      `Prometheus at http://127.0.0.1:${port} is unreachable: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});
