import { describe, expect, it } from 'vitest';
import { chartGeometry, niceDurationTop, shortDate } from './chart-geometry';

const BOX = { width: 140, height: 100, pad: { left: 20, right: 20, top: 0, bottom: 0 } };

describe('chartGeometry', () => {
  it('centres each bucket in its slot and scales durations to a clock-round top', () => {
    const g = chartGeometry([6, 21, 0, 12], BOX, 'duration');
    expect(g.top).toBe(30);
    expect(g.step).toBe(25);
    expect(g.points.map((p) => p.x)).toEqual([32.5, 57.5, 82.5, 107.5]);
    expect(g.points.map((p) => p.y)).toEqual([80, 30, 100, 60]);
  });

  it('draws ratios against 100 %', () => {
    const g = chartGeometry([0.25, 1], BOX, 'ratio');
    expect(g.top).toBe(1);
    expect(g.points.map((p) => p.y)).toEqual([75, 0]);
  });

  it('breaks the line where a bucket has no value', () => {
    const g = chartGeometry([1, 2, null, 4, null, null, 7], BOX, 'duration');
    expect(g.segments.map((s) => s.map((p) => p.index))).toEqual([[0, 1], [3], [6]]);
  });

  it('keeps a floor for the axis when every value is small or missing', () => {
    expect(chartGeometry([null, null], BOX, 'duration').top).toBe(10);
    expect(chartGeometry([0.2], BOX, 'duration').top).toBe(10);
  });

  it('labels the first, middle and last buckets once each', () => {
    expect(chartGeometry(new Array(30).fill(null), BOX, 'duration').labelled).toEqual([0, 14, 29]);
    expect(chartGeometry([1], BOX, 'duration').labelled).toEqual([0]);
    expect(chartGeometry([], BOX, 'duration').labelled).toEqual([]);
  });
});

describe('niceDurationTop', () => {
  it('rounds up to a value a clock reader expects', () => {
    expect(niceDurationTop(0)).toBe(10);
    expect(niceDurationTop(45)).toBe(60);
    expect(niceDurationTop(61)).toBe(120);
    expect(niceDurationTop(1999)).toBe(3600);
    expect(niceDurationTop(86_400)).toBe(86_400);
    expect(niceDurationTop(3 * 86_400)).toBe(5 * 86_400);
  });
});

describe('shortDate', () => {
  it('names the UTC day', () => {
    expect(shortDate('2026-12-04')).toBe('4 Dec');
  });
});
