import { describe, expect, it } from 'vitest';
import { ProxyMetricsSource } from './proxy-source';
import { VersionMetrics } from './version-metrics';

/** The orchestrator's one call this source uses, over real counters of one environment. */
function orchestratorOf(environment: string, metrics: { current: VersionMetrics }) {
  return {
    counts: (env: string, version: string) => (env === environment ? metrics.current.snapshot(version) : undefined),
  };
}

describe('ProxyMetricsSource', () => {
  it('is named proxy', () => {
    expect(new ProxyMetricsSource(orchestratorOf('staging', { current: new VersionMetrics() })).name).toBe('proxy');
  });

  it('counts only what happened between the start of the window and the read', async () => {
    const metrics = { current: new VersionMetrics() };
    const source = new ProxyMetricsSource(orchestratorOf('staging', metrics));
    // Before the window: slow errors that must not show in it.
    for (let i = 0; i < 50; i++) metrics.current.record('v2', 503, 4000);
    const window = await source.startWindow('staging', 'v2');
    for (let i = 0; i < 95; i++) metrics.current.record('v2', 200, 20);
    for (let i = 0; i < 5; i++) metrics.current.record('v2', 500, 20);
    for (let i = 0; i < 10; i++) metrics.current.record('v1', 500, 20);

    const stats = await window.read();

    expect(stats.requests).toBe(100);
    expect(stats.errors).toBe(5);
    expect(stats.p99Ms).toBeGreaterThan(10);
    expect(stats.p99Ms).toBeLessThanOrEqual(25);
  });

  it('reads the same window again with what came since', async () => {
    const metrics = { current: new VersionMetrics() };
    const source = new ProxyMetricsSource(orchestratorOf('staging', metrics));
    const window = await source.startWindow('staging', 'v1');
    metrics.current.record('v1', 200, 5);
    expect((await window.read()).requests).toBe(1);
    metrics.current.record('v1', null, 5);
    expect(await window.read()).toMatchObject({ requests: 2, errors: 1 });
  });

  it('counts a version registered after the window started from zero', async () => {
    const metrics = { current: new VersionMetrics() };
    const source = new ProxyMetricsSource(orchestratorOf('staging', metrics));
    const window = await source.startWindow('staging', 'v3');
    for (let i = 0; i < 30; i++) metrics.current.record('v3', 200, 800);

    expect(await window.read()).toMatchObject({ requests: 30, errors: 0 });
    expect((await window.read()).p99Ms).toBeGreaterThan(500);
  });

  it('answers no traffic for a version or environment it knows nothing of', async () => {
    const metrics = { current: new VersionMetrics() };
    metrics.current.record('v1', 200, 5);
    const source = new ProxyMetricsSource(orchestratorOf('staging', metrics));

    expect(await (await source.startWindow('staging', 'nope')).read()).toEqual({ requests: 0, errors: 0, p99Ms: null });
    expect(await (await source.startWindow('production', 'v1')).read()).toEqual({
      requests: 0,
      errors: 0,
      p99Ms: null,
    });
  });

  it('counts everything since a reset of the counters (a restarted proxy)', async () => {
    const metrics = { current: new VersionMetrics() };
    const source = new ProxyMetricsSource(orchestratorOf('staging', metrics));
    for (let i = 0; i < 40; i++) metrics.current.record('v1', 200, 5);
    const window = await source.startWindow('staging', 'v1');
    metrics.current = new VersionMetrics();
    for (let i = 0; i < 25; i++) metrics.current.record('v1', i < 5 ? 502 : 200, 5);

    expect(await window.read()).toMatchObject({ requests: 25, errors: 5 });
  });
});
