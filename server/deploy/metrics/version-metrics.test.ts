import { describe, expect, it } from 'vitest';
import { quantileMs, VersionMetrics, windowStats } from './version-metrics';

describe('VersionMetrics', () => {
  it('counts requests, errors and latency per version, and a window is the difference of two snapshots', () => {
    const m = new VersionMetrics();
    for (let i = 0; i < 50; i++) m.record('v1', 200, 8);
    const before = m.snapshot('v1');
    for (let i = 0; i < 90; i++) m.record('v1', 200, 8);
    for (let i = 0; i < 10; i++) m.record('v1', i < 5 ? 503 : null, 700);
    expect(windowStats(before, m.snapshot('v1')!)).toEqual({ requests: 100, errors: 10, p99Ms: 950 });
    expect(windowStats(undefined, m.snapshot('v1')!).requests).toBe(150);
  });

  it('interpolates the p99 inside its bucket like histogram_quantile', () => {
    const buckets = new Array<number>(12).fill(0);
    buckets[4] = 100; // all in (50, 100] ms
    expect(quantileMs(0.99, buckets)).toBe(99.5);
    expect(quantileMs(0.5, new Array<number>(12).fill(0))).toBeNull();
    const slow = new Array<number>(12).fill(0);
    slow[11] = 3; // above 10 s
    expect(quantileMs(0.99, slow)).toBe(10_000);
  });

  it('renders Prometheus text with the baseline of a registered version', () => {
    const m = new VersionMetrics();
    m.register('v"2');
    m.record('v1', 500, 30);
    const text = m.render('staging');
    expect(text).toContain('switchyard_deploy_requests_total{environment="staging",version="v1",outcome="error"} 1');
    expect(text).toContain('switchyard_deploy_requests_total{environment="staging",version="v\\"2",outcome="ok"} 0');
    expect(text).toContain(
      'switchyard_deploy_request_duration_seconds_bucket{environment="staging",version="v1",le="0.05"} 1',
    );
    expect(text).toContain(
      'switchyard_deploy_request_duration_seconds_bucket{environment="staging",version="v1",le="0.025"} 0',
    );
    expect(text).toContain('# TYPE switchyard_deploy_request_duration_seconds histogram');
  });
});
