import { describe, expect, it } from 'vitest';
import { analyzeHealth } from './health-analysis';

const health = { maxErrorRate: 0.02, maxP99Ms: 500 };

describe('analyzeHealth', () => {
  it('passes a healthy window and says why', () => {
    const r = analyzeHealth({ requests: 1000, errors: 5, p99Ms: 120 }, health);
    expect(r).toMatchObject({ verdict: 'pass', errorRate: 0.005, requests: 1000 });
    expect(r.reasons[0]).toBe('error rate 0.5 % within 2 %, p99 120 ms within 500 ms');
  });

  it('fails on the error rate, on p99, or both', () => {
    expect(analyzeHealth({ requests: 1000, errors: 100, p99Ms: 120 }, health)).toMatchObject({
      verdict: 'fail',
      reasons: ['error rate 10 % is over 2 % (100 of 1000)'],
    });
    expect(analyzeHealth({ requests: 1000, errors: 0, p99Ms: 900 }, health).reasons).toEqual([
      'p99 latency 900 ms is over 500 ms',
    ]);
    expect(analyzeHealth({ requests: 1000, errors: 50, p99Ms: 900 }, health).reasons).toHaveLength(2);
  });

  it('is inconclusive with too little traffic, never a pass', () => {
    const r = analyzeHealth({ requests: 3, errors: 0, p99Ms: 40 }, health);
    expect(r.verdict).toBe('inconclusive');
    expect(r.reasons[0]).toContain('only 3 requests in the window');
    expect(analyzeHealth({ requests: 0, errors: 0, p99Ms: null }, health).verdict).toBe('inconclusive');
  });

  it('fails few requests when the errors alone already break the threshold', () => {
    // 5 errors out of 8: even had 20 requests come, 5 of 20 is 25 %.
    expect(analyzeHealth({ requests: 8, errors: 5, p99Ms: 30 }, health).verdict).toBe('fail');
    // 1 error out of 8 could still be within 5 % of a full window: not yet a verdict.
    expect(analyzeHealth({ requests: 8, errors: 1, p99Ms: 30 }, { ...health, maxErrorRate: 0.05 }).verdict).toBe(
      'inconclusive',
    );
  });

  it('ignores latency when the config does not check it', () => {
    expect(
      analyzeHealth({ requests: 500, errors: 0, p99Ms: 5000 }, { maxErrorRate: 0.05, maxP99Ms: null }).verdict,
    ).toBe('pass');
  });
});
