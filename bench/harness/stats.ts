// Figures from samples: percentiles, and a table people read at a glance.

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(samples: number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => (s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!);
  return {
    n: s.length,
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: s.length ? s[s.length - 1]! : NaN,
    mean: s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN,
  };
}

/** One row of the printed table: a figure, its unit, and how it compares with its target. */
export interface Figure {
  scenario: string;
  name: string;
  value: number;
  unit: string;
  /** e.g. "≤ 25 ms" */
  target?: string;
  /** value ÷ target (or ÷ ceiling): below 1 is better for times, above for rates. */
  ratio?: number;
  met?: boolean;
  note?: string;
}

/** A figure with an upper limit as its target: the ratio is value ÷ limit, met when at most 1. */
export function atMost(figure: Omit<Figure, 'target' | 'ratio' | 'met'>, limit: number): Figure {
  return {
    ...figure,
    target: `≤ ${limit} ${figure.unit}`,
    ratio: figure.value / limit,
    met: figure.value <= limit,
  };
}

export function fmt(value: number, unit: string): string {
  if (!Number.isFinite(value)) return '—';
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${unit}`.trim();
}

export function printTable(figures: Figure[]): string {
  const rows = [
    ['scenario', 'figure', 'value', 'target', 'ratio', ''],
    ...figures.map((f) => [
      f.scenario,
      f.name,
      fmt(f.value, f.unit),
      f.target ?? '',
      f.ratio === undefined ? '' : f.ratio.toFixed(2),
      f.met === undefined ? '' : f.met ? 'met' : 'MISSED',
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
