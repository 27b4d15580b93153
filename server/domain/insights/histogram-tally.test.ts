import { describe, expect, it } from 'vitest';
import { HistogramTally } from './histogram-tally';

const t = (s: number) => new Date(Date.UTC(2026, 11, 1) + s * 1000);

describe('HistogramTally', () => {
  it('reads from the watermark to now minus the settle delay, and nothing while the cut has not moved', () => {
    const tally = new HistogramTally([1, 10], t(0));
    expect(tally.range(t(40), 30_000)).toEqual({ from: t(0), to: t(10) });
    expect(tally.range(t(20), 30_000)).toBeNull();
  });

  it('adds each range once per label set and never falls', () => {
    const tally = new HistogramTally([1, 10], t(0));
    const first = tally.range(t(100), 0)!;
    tally.add(first, [
      { labels: { pool: 'a' }, buckets: [1, 2, 0], sum: 9 },
      { labels: { pool: 'b' }, buckets: [0, 0, 1], sum: 20 },
    ]);
    const second = tally.range(t(200), 0)!;
    expect(second.from).toEqual(t(100));
    tally.add(second, [{ labels: { pool: 'a' }, buckets: [0, 1, 1], sum: 30 }]);
    // A later range with no rows (retention deleted them) leaves the totals as they were.
    tally.add(tally.range(t(300), 0)!, []);
    expect(tally.snapshot()).toEqual([
      { labels: { pool: 'a' }, buckets: [1, 3, 1], sum: 39 },
      { labels: { pool: 'b' }, buckets: [0, 0, 1], sum: 20 },
    ]);
  });

  it('treats label sets equal whatever their key order', () => {
    const tally = new HistogramTally([1], t(0));
    tally.add(tally.range(t(10), 0)!, [{ labels: { pool: 'a', status: 'ok' }, buckets: [1, 0], sum: 1 }]);
    tally.add(tally.range(t(20), 0)!, [{ labels: { status: 'ok', pool: 'a' }, buckets: [1, 0], sum: 1 }]);
    expect(tally.snapshot()).toHaveLength(1);
    expect(tally.snapshot()[0]!.buckets).toEqual([2, 0]);
  });

  it('refuses a range that does not start at the watermark (it would count rows twice or skip some)', () => {
    const tally = new HistogramTally([1], t(0));
    const range = tally.range(t(10), 0)!;
    tally.add(range, []);
    expect(() => tally.add(range, [])).toThrow(/does not start at the watermark/);
  });

  it('refuses rows with the wrong number of buckets', () => {
    const tally = new HistogramTally([1, 2], t(0));
    expect(() => tally.add(tally.range(t(10), 0)!, [{ labels: {}, buckets: [1], sum: 0 }])).toThrow(/expected 3/);
  });
});
