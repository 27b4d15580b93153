import { describe, expect, it } from 'vitest';
import { groupBuckets } from './metric-histograms';

describe('groupBuckets', () => {
  it('gathers (labels, bucket, count, sum) rows into one series per label set', () => {
    const rows = [
      { labels: { pool: 'a' }, bucket: 0, n: 2, sum: 0.5 },
      { labels: { pool: 'a' }, bucket: 2, n: 1, sum: 50 },
      { labels: { pool: 'b' }, bucket: 1, n: 4, sum: 12 },
    ];
    expect(groupBuckets(rows, [1, 10])).toEqual([
      { labels: { pool: 'a' }, buckets: [2, 0, 1], sum: 50.5 },
      { labels: { pool: 'b' }, buckets: [0, 4, 0], sum: 12 },
    ]);
  });
  it('refuses a bucket index outside the bounds', () => {
    expect(() => groupBuckets([{ labels: {}, bucket: 3, n: 1, sum: 1 }], [1, 10])).toThrow(/outside 0..2/);
  });
});
