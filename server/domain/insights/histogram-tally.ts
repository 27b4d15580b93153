// Running totals of a histogram computed from database rows, so /api/metrics
// can export a real Prometheus histogram (counters that only go up) even
// though retention deletes the rows it counts.
//
// Why not count every row at each scrape? Retention drops whole months of
// jobs: the counts would fall, and Prometheus reads a fall as a counter reset
// and adds the whole remaining total to rate() — a spike as large as the
// history. Instead each scrape adds only the rows whose timestamp falls in
// (watermark, cut] and moves the watermark to the cut, like a client library
// that observes each event once. The totals start at zero when the process
// starts (a restart is an ordinary counter reset) and never fall while it runs.
//
// `cut` lags the scrape by a settle delay: a claim or finish stamped at T is
// committed a few milliseconds later, so a row stamped before the cut must be
// visible by the time we read it.

/** Per-bucket counts (bounds.length + 1, the last is +Inf) and the sum of the observed values. */
export interface BucketCounts {
  buckets: number[];
  sum: number;
}

/** One series' new rows, as the SQL returns them. */
export interface SeriesDelta extends BucketCounts {
  labels: Record<string, string>;
}

function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));
}

export class HistogramTally {
  private readonly series = new Map<string, SeriesDelta>();
  /** Rows stamped at or before this moment are counted. */
  private watermark: Date;

  constructor(
    readonly bounds: readonly number[],
    startedAt: Date,
  ) {
    this.watermark = startedAt;
  }

  /** The range a scrape at `now` must read: (from, to]; empty when the cut has not moved past the watermark. */
  range(now: Date, settleMs: number): { from: Date; to: Date } | null {
    const to = new Date(now.getTime() - settleMs);
    return to > this.watermark ? { from: this.watermark, to } : null;
  }

  /** Adds the rows read for `range` and moves the watermark to its end. */
  add(range: { from: Date; to: Date }, deltas: readonly SeriesDelta[]): void {
    if (range.from.getTime() !== this.watermark.getTime()) {
      throw new Error('histogram rows were read for a range that does not start at the watermark');
    }
    for (const d of deltas) {
      if (d.buckets.length !== this.bounds.length + 1) {
        throw new Error(`expected ${this.bounds.length + 1} bucket counts (with +Inf), got ${d.buckets.length}`);
      }
      const key = seriesKey(d.labels);
      const current = this.series.get(key) ?? {
        labels: { ...d.labels },
        buckets: new Array<number>(this.bounds.length + 1).fill(0),
        sum: 0,
      };
      current.buckets = current.buckets.map((c, i) => c + d.buckets[i]!);
      current.sum += d.sum;
      this.series.set(key, current);
    }
    this.watermark = range.to;
  }

  /** Every series seen so far, with its running totals. */
  snapshot(): SeriesDelta[] {
    return [...this.series.values()].map((s) => ({ labels: { ...s.labels }, buckets: [...s.buckets], sum: s.sum }));
  }
}
