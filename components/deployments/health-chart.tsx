// A rollout's health windows as two small inline charts, error rate and p99
// latency, each against its limit. One slot per window: recorded windows get
// a point coloured by verdict, windows still to come an empty slot, so the
// chart fills in as the rollout walks its steps.
import { niceCeil } from './chart-scale';
import { formatMs, formatRate } from './format';
import styles from './deployments.module.css';
import type { HealthCheckView, HealthThresholds } from './types';
import chart from '@/components/charts/svg-chart.module.css';

const W = 260;
const H = 124;
const PAD = { left: 44, right: 12, top: 14, bottom: 26 };
const PLOT_W = W - PAD.left - PAD.right;
const PLOT_H = H - PAD.top - PAD.bottom;

interface Series {
  title: string;
  values: (number | null)[];
  limit: number | null;
  /** The axis never shrinks below this, so a flat healthy line sits low, not at the top. */
  minTop: number;
  format: (v: number) => string;
}

export function HealthChart({
  checks,
  thresholds,
  planned,
}: {
  checks: HealthCheckView[];
  thresholds: HealthThresholds | null;
  /** Traffic steps whose window has not been recorded yet. */
  planned: number[];
}) {
  const slots = [...checks.map((c) => c.step), ...planned];
  const errorRate: Series = {
    title: 'Error rate',
    values: checks.map((c) => (c.requests > 0 ? c.errorRate : null)),
    limit: thresholds?.maxErrorRate ?? null,
    minTop: 0.05,
    format: (v) => formatRate(v),
  };
  const p99: Series = {
    title: thresholds?.maxP99Ms == null ? 'p99 latency (not checked)' : 'p99 latency',
    values: checks.map((c) => c.p99Ms),
    limit: thresholds?.maxP99Ms ?? null,
    minTop: 50,
    format: (v) => formatMs(v),
  };
  return (
    <div className={styles.charts} data-testid="health-chart">
      <Panel series={errorRate} checks={checks} slots={slots} />
      <Panel series={p99} checks={checks} slots={slots} />
    </div>
  );
}

function Panel({ series, checks, slots }: { series: Series; checks: HealthCheckView[]; slots: number[] }) {
  const present = series.values.filter((v): v is number => v !== null);
  const top = niceCeil(Math.max(...present, (series.limit ?? 0) * 1.25), series.minTop);
  const n = Math.max(slots.length, 1);
  const x = (i: number) => PAD.left + ((i + 0.5) * PLOT_W) / n;
  const y = (v: number) => PAD.top + PLOT_H - (Math.min(v, top) / top) * PLOT_H;
  const points = series.values.flatMap((v, i) => (v === null ? [] : [{ i, v, check: checks[i]! }]));
  const summary = [
    `${series.title} per health window:`,
    points.length === 0
      ? 'no window finished yet'
      : points.map((p) => `${series.format(p.v)} at ${p.check.step} % (${p.check.verdict})`).join(', '),
    series.limit !== null ? `; limit ${series.format(series.limit)}` : '',
  ].join(' ');
  return (
    <figure className={`${chart.figure} ${styles.chart}`}>
      <figcaption>{series.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={summary}>
        <line className={chart.axis} x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} />
        <text className={chart.tick} x={PAD.left - 6} y={y(0)} dy="0.32em" textAnchor="end">
          0
        </text>
        <text className={chart.tick} x={PAD.left - 6} y={y(top)} dy="0.32em" textAnchor="end">
          {series.format(top)}
        </text>
        <line className={chart.grid} x1={PAD.left} x2={W - PAD.right} y1={y(top)} y2={y(top)} />
        {series.limit !== null && (
          <g className={styles.limit}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(series.limit)} y2={y(series.limit)} />
            <text x={W - PAD.right} y={y(series.limit) - 4} textAnchor="end">
              limit {series.format(series.limit)}
            </text>
          </g>
        )}
        {slots.map((step, i) => (
          <g key={i}>
            {i >= checks.length && <line className={styles.pendingSlot} x1={x(i)} x2={x(i)} y1={PAD.top} y2={y(0)} />}
            <text className={chart.tick} x={x(i)} y={H - 8} textAnchor="middle">
              {step} %
            </text>
          </g>
        ))}
        {points.length > 1 && (
          <polyline className={styles.line} points={points.map((p) => `${x(p.i)},${y(p.v)}`).join(' ')} />
        )}
        {points.map((p) => (
          <circle
            key={p.i}
            className={styles.point}
            data-verdict={p.check.verdict}
            data-testid="health-point"
            cx={x(p.i)}
            cy={y(p.v)}
            r={4.5}
          >
            <title>{`${series.format(p.v)} at ${p.check.step} % of traffic, ${p.check.requests} requests: ${p.check.verdict}`}</title>
          </circle>
        ))}
      </svg>
    </figure>
  );
}
