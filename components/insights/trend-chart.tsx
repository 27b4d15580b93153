// One trend as a small inline SVG chart: a line (durations) or bars (rates)
// over the window's buckets, an axis from 0 to a round top, dates under the
// first, middle and last buckets. Buckets without a value leave a gap; the
// accessible label reads the figures out.
import { chartGeometry, shortDate, type ChartScale } from './chart-geometry';
import styles from './insights.module.css';
import chart from '@/components/charts/svg-chart.module.css';

const BOX = { width: 440, height: 150, pad: { left: 58, right: 22, top: 12, bottom: 24 } };

export interface TrendPoint {
  start: string;
  value: number | null;
  /** What the point stands for, shown on hover: "3 broken builds". */
  detail: string;
}

export function TrendChart({
  title,
  points,
  format,
  kind,
  scale,
  testId,
}: {
  title: string;
  points: TrendPoint[];
  format: (v: number) => string;
  kind: 'line' | 'bars';
  scale: ChartScale;
  testId?: string;
}) {
  const g = chartGeometry(
    points.map((p) => p.value),
    BOX,
    scale,
  );
  const baseline = g.y(0);
  const withValues = points.filter((p) => p.value !== null);
  const summary =
    withValues.length === 0
      ? `${title}: nothing in this window`
      : `${title}: ${withValues.map((p) => `${shortDate(p.start)} ${format(p.value!)}`).join(', ')}`;
  return (
    <figure className={`${chart.figure} ${styles.chart}`} data-testid={testId}>
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${BOX.width} ${BOX.height}`} role="img" aria-label={summary}>
        <line className={chart.axis} x1={BOX.pad.left} x2={BOX.width - BOX.pad.right} y1={baseline} y2={baseline} />
        <line className={chart.grid} x1={BOX.pad.left} x2={BOX.width - BOX.pad.right} y1={g.y(g.top)} y2={g.y(g.top)} />
        <text className={chart.tick} x={BOX.pad.left - 6} y={baseline} dy="0.32em" textAnchor="end">
          0
        </text>
        <text className={chart.tick} x={BOX.pad.left - 6} y={g.y(g.top)} dy="0.32em" textAnchor="end">
          {format(g.top)}
        </text>
        {g.labelled.map((i) => (
          <text key={i} className={chart.tick} x={g.x(i)} y={BOX.height - 8} textAnchor="middle">
            {shortDate(points[i]!.start)}
          </text>
        ))}
        {kind === 'bars' &&
          g.points.map((p) => (
            <rect
              key={p.index}
              className={styles.bar}
              data-testid="trend-point"
              x={p.x - Math.max(1, g.step * 0.35)}
              width={Math.max(2, g.step * 0.7)}
              y={p.y}
              height={Math.max(1, baseline - p.y)}
            >
              <title>{`${shortDate(points[p.index]!.start)}: ${format(p.value)} (${points[p.index]!.detail})`}</title>
            </rect>
          ))}
        {kind === 'line' &&
          g.segments.map((s) =>
            s.length > 1 ? (
              <polyline key={s[0]!.index} className={styles.line} points={s.map((p) => `${p.x},${p.y}`).join(' ')} />
            ) : null,
          )}
        {kind === 'line' &&
          g.points.map((p) => (
            <circle key={p.index} className={styles.point} data-testid="trend-point" cx={p.x} cy={p.y} r={3.5}>
              <title>{`${shortDate(points[p.index]!.start)}: ${format(p.value)} (${points[p.index]!.detail})`}</title>
            </circle>
          ))}
      </svg>
    </figure>
  );
}
