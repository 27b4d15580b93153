import { describe, expect, it } from 'vitest';
import { bucketOf, meanSeries, outcomeSeries, overallMean, trendWindow } from './trend-series';

// Friday 4 December 2026, evening UTC.
const NOW = new Date('2026-12-04T22:15:00Z');

describe('bucketOf', () => {
  it('keeps a day for daily buckets and finds the Monday for weekly ones', () => {
    expect(bucketOf('2026-12-04', 'day')).toBe('2026-12-04');
    expect(bucketOf('2026-12-04', 'week')).toBe('2026-11-30'); // Friday → Monday
    expect(bucketOf('2026-11-30', 'week')).toBe('2026-11-30'); // Monday stays
    expect(bucketOf('2026-12-06', 'week')).toBe('2026-11-30'); // Sunday ends the week
    expect(bucketOf('2027-01-01', 'week')).toBe('2026-12-28'); // across a year
  });
  it('refuses what is not a day', () => {
    expect(() => bucketOf('4/12/2026', 'day')).toThrow(/not a day/);
  });
});

describe('trendWindow', () => {
  it('covers the last N days up to and including today, one bucket a day', () => {
    const w = trendWindow(NOW, 30, 'day');
    expect(w.buckets).toHaveLength(30);
    expect(w.buckets[0]).toBe('2026-11-05');
    expect(w.buckets.at(-1)).toBe('2026-12-04');
    expect(w.from.toISOString()).toBe('2026-11-05T00:00:00.000Z');
    expect(w.to.toISOString()).toBe('2026-12-05T00:00:00.000Z');
  });
  it('widens to whole weeks starting on Monday', () => {
    const w = trendWindow(NOW, 90, 'week');
    // 90 days back from 5 December is Sunday 6 September, in the week of Monday 31 August.
    expect(w.buckets[0]).toBe('2026-08-31');
    expect(w.buckets.at(-1)).toBe('2026-11-30');
    expect(w.buckets).toHaveLength(14);
    expect(w.from.toISOString()).toBe('2026-08-31T00:00:00.000Z');
  });
  it('refuses a window that is not a whole positive number of days', () => {
    expect(() => trendWindow(NOW, 0, 'day')).toThrow(/whole number of days/);
    expect(() => trendWindow(NOW, 1.5, 'day')).toThrow(/whole number of days/);
  });
});

describe('meanSeries', () => {
  const buckets = ['2026-11-23', '2026-11-30'];
  it('weights days by their counts when rolling them into weeks, and leaves empty buckets null', () => {
    const rows = [
      { day: '2026-11-30', count: 1, totalSeconds: 60 },
      { day: '2026-12-03', count: 3, totalSeconds: 60 },
      { day: '2026-01-01', count: 9, totalSeconds: 9 }, // outside the window
    ];
    expect(meanSeries(rows, buckets, 'week')).toEqual([
      { start: '2026-11-23', count: 0, meanSeconds: null },
      { start: '2026-11-30', count: 4, meanSeconds: 30 },
    ]);
  });
  it('gives the weighted mean over the whole series', () => {
    const points = meanSeries(
      [
        { day: '2026-11-23', count: 1, totalSeconds: 100 },
        { day: '2026-11-30', count: 3, totalSeconds: 60 },
      ],
      buckets,
      'week',
    );
    expect(overallMean(points)).toBe(40);
    expect(overallMean(meanSeries([], buckets, 'week'))).toBeNull();
  });
});

describe('outcomeSeries', () => {
  it('computes the success rate and mean duration per bucket, null where nothing finished', () => {
    const rows = [
      { day: '2026-12-03', success: 3, failed: 1, timed: 4, totalSeconds: 400 },
      { day: '2026-12-04', success: 0, failed: 2, timed: 1, totalSeconds: 30 },
    ];
    expect(outcomeSeries(rows, ['2026-12-02', '2026-12-03', '2026-12-04'], 'day')).toEqual([
      { start: '2026-12-02', runs: 0, successRate: null, meanDurationSeconds: null },
      { start: '2026-12-03', runs: 4, successRate: 0.75, meanDurationSeconds: 100 },
      { start: '2026-12-04', runs: 2, successRate: 0, meanDurationSeconds: 30 },
    ]);
  });
});
