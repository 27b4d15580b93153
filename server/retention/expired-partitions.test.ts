import { describe, expect, it } from 'vitest';
import {
  expiredPartitions,
  monthKey,
  parseBoundValue,
  parsePartitionBound,
  type PartitionRow,
} from './expired-partitions';

/** The rows PostgreSQL prints for the UTC month `YYYY-MM` of both tables (session TimeZone UTC). */
function month(ym: string): PartitionRow[] {
  const from = new Date(`${ym}-01T00:00:00Z`);
  const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
  const text = (d: Date) => `'${d.toISOString().slice(0, 10)} 00:00:00+00'`;
  const suffix = ym.replace('-', '_');
  return (['pipeline_runs', 'jobs'] as const).map((parent) => ({
    parent,
    name: `${parent}_${suffix}`,
    bound: `FOR VALUES FROM (${text(from)}) TO (${text(to)})`,
  }));
}

const months = (...yms: string[]) => yms.flatMap(month);
const names = (d: ReturnType<typeof expiredPartitions>) => d.expired.map((m) => m.month);

describe('parseBoundValue', () => {
  it('reads UTC, whole-hour and half-hour offsets and fractional seconds', () => {
    expect(parseBoundValue("'2026-07-01 00:00:00+00'")?.toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(parseBoundValue("'2026-07-01 02:00:00+02'")?.toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(parseBoundValue("'2026-06-30 21:00:00-03'")?.toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(parseBoundValue("'2026-07-01 05:30:00+05:30'")?.toISOString()).toBe('2026-07-01T00:00:00.000Z');
    expect(parseBoundValue("'2026-07-01 00:00:00.5+00'")?.toISOString()).toBe('2026-07-01T00:00:00.500Z');
  });

  it('reads MINVALUE and MAXVALUE as unbounded and refuses anything else', () => {
    expect(parseBoundValue('MINVALUE')).toBeNull();
    expect(parseBoundValue('MAXVALUE')).toBeNull();
    expect(() => parseBoundValue("'yesterday'")).toThrow(/unreadable partition bound/);
    expect(() => parseBoundValue("'2026-07-01'")).toThrow(/unreadable/);
  });
});

describe('parsePartitionBound', () => {
  it('reads a range and refuses a default partition', () => {
    const [runs] = month('2026-02');
    expect(parsePartitionBound(runs!)).toEqual({
      parent: 'pipeline_runs',
      name: 'pipeline_runs_2026_02',
      from: new Date('2026-02-01T00:00:00Z'),
      to: new Date('2026-03-01T00:00:00Z'),
    });
    expect(() => parsePartitionBound({ parent: 'jobs', name: 'jobs_default', bound: 'DEFAULT' })).toThrow(
      /default partition/,
    );
  });
});

describe('expiredPartitions', () => {
  const all = months('2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12', '2027-01', '2027-02');

  it('retires the months that end on or before now − retention, oldest first, jobs before runs', () => {
    const d = expiredPartitions(all, new Date('2026-12-04T22:00:00Z'), 90);
    expect(d.cutoff.toISOString()).toBe('2026-09-05T22:00:00.000Z');
    expect(names(d)).toEqual(['2026_07', '2026_08']);
    expect(d.expired[0]!.partitions.map((p) => p.name)).toEqual(['jobs_2026_07', 'pipeline_runs_2026_07']);
    expect(d.problems).toEqual([]);
  });

  it('keeps a month whose end is after the cutoff by a millisecond, and retires it once the cutoff reaches its end', () => {
    // 2026-10-31 − 30 days = 2026-10-01: September ends exactly at the cutoff then.
    expect(names(expiredPartitions(all, new Date('2026-10-30T23:59:59.999Z'), 30))).toEqual(['2026_07', '2026_08']);
    expect(names(expiredPartitions(all, new Date('2026-10-31T00:00:00.000Z'), 30))).toEqual([
      '2026_07',
      '2026_08',
      '2026_09',
    ]);
  });

  it('judges month boundaries in UTC whatever the time zone the bounds were printed in', () => {
    const berlin: PartitionRow[] = [
      {
        parent: 'jobs',
        name: 'jobs_2026_11',
        bound: "FOR VALUES FROM ('2026-11-01 01:00:00+01') TO ('2026-12-01 01:00:00+01')",
      },
    ];
    // One minute before midnight UTC on Dec 1st, with a one-day window, November has not ended a day ago.
    expect(names(expiredPartitions(berlin, new Date('2026-12-01T23:59:00Z'), 1))).toEqual([]);
    expect(names(expiredPartitions(berlin, new Date('2026-12-02T00:00:00Z'), 1))).toEqual(['2026_11']);
  });

  it('never retires the current month or a later one, even with the shortest window', () => {
    const d = expiredPartitions(all, new Date('2026-12-31T23:59:59Z'), 1);
    expect(names(d)).toEqual(['2026_07', '2026_08', '2026_09', '2026_10', '2026_11']);
  });

  it('retires a month even when only one of its two tables still has it (a pass that stopped half-way)', () => {
    const rows = [...months('2026-12'), month('2026-01')[0]!];
    const d = expiredPartitions(rows, new Date('2026-12-04T00:00:00Z'), 90);
    expect(d.expired).toHaveLength(1);
    expect(d.expired[0]!.partitions.map((p) => p.name)).toEqual(['pipeline_runs_2026_01']);
  });

  it('leaves a table with a default partition alone and says why', () => {
    const rows = [...all, { parent: 'jobs' as const, name: 'jobs_default', bound: 'DEFAULT' }];
    const d = expiredPartitions(rows, new Date('2026-12-04T22:00:00Z'), 90);
    expect(d.expired.flatMap((m) => m.partitions.map((p) => p.name))).toEqual([
      'pipeline_runs_2026_07',
      'pipeline_runs_2026_08',
    ]);
    expect(d.problems).toEqual([expect.stringMatching(/jobs has a default partition \(jobs_default\)/)]);
  });

  it('reports an unreadable bound and an open-ended partition is never retired', () => {
    const rows: PartitionRow[] = [
      { parent: 'jobs', name: 'jobs_odd', bound: 'FOR VALUES IN (1)' },
      { parent: 'jobs', name: 'jobs_future', bound: "FOR VALUES FROM ('2027-01-01 00:00:00+00') TO (MAXVALUE)" },
      { parent: 'jobs', name: 'jobs_past', bound: "FOR VALUES FROM (MINVALUE) TO ('2026-01-01 00:00:00+00')" },
    ];
    const d = expiredPartitions(rows, new Date('2026-12-04T00:00:00Z'), 90);
    expect(names(d)).toEqual(['jobs_past']);
    expect(d.problems).toEqual([expect.stringMatching(/jobs_odd: unreadable partition bound/)]);
  });

  it('refuses a window under one day', () => {
    expect(() => expiredPartitions(all, new Date(), 0)).toThrow(/at least 1 day/);
    expect(() => expiredPartitions(all, new Date(), Number.NaN)).toThrow(/at least 1 day/);
  });

  it('names months by their UTC start', () => {
    expect(monthKey(new Date('2026-01-31T23:30:00-05:00'))).toBe('2026_02');
  });
});
