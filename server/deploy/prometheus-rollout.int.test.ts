// A rollout judged by a real Prometheus server (Debian's `prometheus`) that
// scrapes the environment's proxy, not by the proxy's own counters: a good
// version passes its windows, a version failing one request in five is rolled
// back, and each window records that its figures came from Prometheus.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusBinary, startPrometheus, type TestPrometheus } from '../../tests/prometheus';
import { startTestSystem, type PipelineRepo, type TestSystem } from '../../tests/system';
import type { LocalOrchestrator } from './local/local-orchestrator';
import type { MetricsSource } from './metrics/metrics-source';
import { PrometheusMetricsSource } from './metrics/prometheus-source';
import { METRICS_PATH } from './local/proxy';

const FIXTURE = new URL('../../tests/fixtures/deploy-app/', import.meta.url);
const appFiles = (label: string, failEvery = 0) => ({
  Procfile: fs.readFileSync(new URL('Procfile', FIXTURE), 'utf8'),
  'package.json': fs.readFileSync(new URL('package.json', FIXTURE), 'utf8'),
  'server.js': fs.readFileSync(new URL('server.js', FIXTURE), 'utf8'),
  'app.json': JSON.stringify({ label, failEvery, delayMs: 0, crash: false }),
});

const PIPELINE = `
jobs:
  build:
    stage: build
    script: [test -f server.js]
    artifacts: { name: web, paths: [Procfile, package.json, server.js, app.json] }
  ship:
    stage: deploy
    deploy: { environment: observed, artifact: web, strategy: canary, steps: [50, 100], health: { max_error_rate: 0.05, window: 3s } }
`;

/** Starts Prometheus on the environment's proxy the first time a window opens (the proxy's port is known then). */
class PrometheusOnProxy implements MetricsSource {
  readonly name = 'prometheus';
  prometheus?: TestPrometheus;
  private source?: PrometheusMetricsSource;
  constructor(private readonly orchestrator: LocalOrchestrator) {}

  async startWindow(environment: string, version: string) {
    if (!this.source) {
      const url = new URL(this.orchestrator.state(environment)!.url);
      this.prometheus = await startPrometheus({
        target: url.host,
        metricsPath: METRICS_PATH,
        scrapeIntervalSeconds: 1,
      });
      await this.prometheus.waitForScrape(30_000);
      this.source = new PrometheusMetricsSource({ url: this.prometheus.url, scrapeIntervalSeconds: 1 });
    }
    return this.source.startWindow(environment, version);
  }
}

describe.skipIf(!prometheusBinary())('health from a real Prometheus', () => {
  let system: TestSystem;
  let repo: PipelineRepo;
  let source: PrometheusOnProxy | undefined;

  beforeAll(async () => {
    system = await startTestSystem();
    repo = await system.addRepo('observed');
    await system.startRunner();
    await system.startDeployer({
      probePerSecond: 25,
      metrics: (orchestrator) => (source = new PrometheusOnProxy(orchestrator)),
    });
  }, 60_000);

  afterAll(async () => {
    await system?.stop();
    await source?.prometheus?.stop();
  }, 60_000);

  async function ship(label: string, failEvery = 0) {
    repo.git.commit(appFiles(label, failEvery), label);
    const { run } = await repo.push(PIPELINE);
    await system.finished(run.id, 120_000);
    return system.db.prisma.deployment.findFirstOrThrow({
      where: { runId: run.id },
      include: { healthChecks: { orderBy: { createdAt: 'asc' } } },
    });
  }

  it('passes a good version and rolls back a failing one, on Prometheus figures', async () => {
    const good = await ship('good');
    expect(good.status).toBe('success');
    expect(good.healthChecks.map((h) => [h.step, h.verdict, h.source])).toEqual([[100, 'pass', 'prometheus']]);
    expect(good.healthChecks[0]!.requests).toBeGreaterThanOrEqual(40);

    const bad = await ship('bad', 5);
    expect(bad.status).toBe('rolled_back');
    expect(bad.healthChecks).toHaveLength(1);
    expect(bad.healthChecks[0]).toMatchObject({ step: 50, verdict: 'fail', source: 'prometheus' });
    expect(bad.healthChecks[0]!.errorRate).toBeGreaterThan(0.1);
    expect(bad.statusReason).toMatch(/^at 50 % of traffic: error rate .* is over 5 %/);
  }, 180_000);
});
