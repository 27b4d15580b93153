// The trend charts' arithmetic, kept pure: where each bucket sits, how high a
// value draws, which dates label the axis, and the line's segments (a bucket
// with no value breaks the line instead of drawing it down to zero).
import { niceCeil } from '@/components/deployments/chart-scale';

/** Axis tops for durations, in seconds: round to a person reading a clock. */
const DURATION_TOPS = [10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14_400, 28_800, 43_200, 86_400];

/** The axis top for durations: the smallest clock-round value at or above `seconds` (whole days past a day). */
export function niceDurationTop(seconds: number): number {
  const top = DURATION_TOPS.find((t) => t >= seconds);
  return top ?? niceCeil(seconds / 86_400, 1) * 86_400;
}

/** How a chart's axis is scaled: durations in seconds, or a ratio from 0 to 1. */
export type ChartScale = 'duration' | 'ratio';

export function axisTop(max: number, scale: ChartScale): number {
  return scale === 'ratio' ? 1 : niceDurationTop(max);
}

export interface ChartBox {
  width: number;
  height: number;
  pad: { left: number; right: number; top: number; bottom: number };
}

export interface PlottedPoint {
  index: number;
  x: number;
  y: number;
  value: number;
}

export interface ChartGeometry {
  /** The axis' top value. */
  top: number;
  points: PlottedPoint[];
  /** Runs of consecutive buckets with a value, each drawn as one polyline. */
  segments: PlottedPoint[][];
  /** Bucket indexes whose date labels the x axis: the first, the middle, the last. */
  labelled: number[];
  x(index: number): number;
  y(value: number): number;
  /** The width of one bucket, for bars. */
  step: number;
}

export function chartGeometry(values: readonly (number | null)[], box: ChartBox, scale: ChartScale): ChartGeometry {
  const plotW = box.width - box.pad.left - box.pad.right;
  const plotH = box.height - box.pad.top - box.pad.bottom;
  const present = values.filter((v): v is number => v !== null);
  const top = axisTop(Math.max(0, ...present), scale);
  const n = Math.max(values.length, 1);
  const step = plotW / n;
  const x = (i: number) => box.pad.left + (i + 0.5) * step;
  const y = (v: number) => box.pad.top + plotH - (Math.min(Math.max(v, 0), top) / top) * plotH;
  const points = values.flatMap((v, index) => (v === null ? [] : [{ index, x: x(index), y: y(v), value: v }]));
  const segments: PlottedPoint[][] = [];
  for (const p of points) {
    const last = segments.at(-1);
    if (last && last.at(-1)!.index === p.index - 1) last.push(p);
    else segments.push([p]);
  }
  const labelled = values.length === 0 ? [] : [...new Set([0, Math.floor((values.length - 1) / 2), values.length - 1])];
  return { top, points, segments, labelled, x, y, step };
}

/** "4 Dec" from '2026-12-04' (UTC, so the label is the bucket's own day). */
export function shortDate(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}
