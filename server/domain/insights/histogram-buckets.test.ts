import { describe, expect, it } from 'vitest';
import { CLAIM_LATENCY_BUCKETS, JOB_DURATION_BUCKETS, bucketIndex, cumulativeCounts } from './histogram-buckets';

describe('bucketIndex', () => {
  const bounds = [1, 5, 10];
  it('puts a value in the first bucket whose upper bound is at or above it (le is inclusive)', () => {
    expect(bucketIndex(0.2, bounds)).toBe(0);
    expect(bucketIndex(1, bounds)).toBe(0);
    expect(bucketIndex(1.0001, bounds)).toBe(1);
    expect(bucketIndex(10, bounds)).toBe(2);
  });
  it('puts a value above every bound in +Inf, and a negative one (clock skew) in the first', () => {
    expect(bucketIndex(10.5, bounds)).toBe(3);
    expect(bucketIndex(-3, bounds)).toBe(0);
  });
});

describe('cumulativeCounts', () => {
  it('turns per-bucket counts into cumulative le counts ending with +Inf', () => {
    expect(cumulativeCounts([2, 0, 3, 1], [1, 5, 10])).toEqual([2, 2, 5, 6]);
  });
  it('refuses counts without the +Inf bucket', () => {
    expect(() => cumulativeCounts([1, 2, 3], [1, 5, 10])).toThrow(/expected 4 bucket counts/);
  });
});

describe('bucket bounds', () => {
  it('are strictly increasing', () => {
    for (const bounds of [CLAIM_LATENCY_BUCKETS, JOB_DURATION_BUCKETS]) {
      expect(bounds.every((b, i) => i === 0 || b > bounds[i - 1]!)).toBe(true);
    }
  });
});
