// Which monthly partitions of pipeline_runs and jobs retention retires: the
// decision alone, over partition bounds as PostgreSQL prints them, with the
// clock passed in. A month goes only when its whole range ends at or before
// now − retention; the month holding `now` never goes, nor any later one.
// Months are UTC months (switchyard_create_partitions makes them so).

/** The partitioned tables retention works on; jobs of a month go before its runs (they point at them). */
export const PARTITIONED_TABLES = ['jobs', 'pipeline_runs'] as const;
export type PartitionedTable = (typeof PARTITIONED_TABLES)[number];

/** One partition as the catalog describes it (pg_get_expr of relpartbound). */
export interface PartitionRow {
  parent: PartitionedTable;
  name: string;
  bound: string;
}

/** A partition whose range was read: `from` inclusive, `to` exclusive; null is MINVALUE / MAXVALUE. */
export interface PartitionRange {
  parent: PartitionedTable;
  name: string;
  from: Date | null;
  to: Date | null;
}

/** The partitions of one month, to be retired together (jobs first). */
export interface ExpiredMonth {
  /** `YYYY_MM` of the month's start in UTC, or the partition's name when it has no lower bound. */
  month: string;
  from: Date | null;
  to: Date;
  partitions: PartitionRange[];
}

export interface RetentionDecision {
  cutoff: Date;
  expired: ExpiredMonth[];
  /** Partitions left alone, and why (a default partition, a bound that could not be read). */
  problems: string[];
}

const DAY_MS = 86_400_000;
const RANGE = /^FOR VALUES FROM \((.+)\) TO \((.+)\)$/;

/**
 * A range bound's value: `'2026-07-01 00:00:00+00'`, in whatever TimeZone the
 * session printed it in (`+02`, `-03:30`, fractional seconds), or MINVALUE /
 * MAXVALUE (null). Throws on anything else.
 */
export function parseBoundValue(text: string): Date | null {
  const v = text.trim();
  if (v === 'MINVALUE' || v === 'MAXVALUE') return null;
  const m = /^'(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})(?::?(\d{2}))?(?::?(\d{2}))?'$/.exec(v);
  if (!m) throw new Error(`unreadable partition bound ${v}`);
  const [, date, time, hours, minutes = '00', seconds] = m;
  if (seconds && seconds !== '00') throw new Error(`unreadable partition bound ${v} (offset with seconds)`);
  const at = new Date(`${date}T${time}${hours}:${minutes}`);
  if (Number.isNaN(at.getTime())) throw new Error(`unreadable partition bound ${v}`);
  return at;
}

/** A partition's range from its `FOR VALUES FROM (…) TO (…)` text; throws for DEFAULT or anything unreadable. */
export function parsePartitionBound(row: PartitionRow): PartitionRange {
  if (row.bound.trim() === 'DEFAULT') throw new Error(`${row.name} is a default partition`);
  const m = RANGE.exec(row.bound.trim());
  if (!m) throw new Error(`${row.name}: unreadable partition bound ${row.bound}`);
  return { parent: row.parent, name: row.name, from: parseBoundValue(m[1]!), to: parseBoundValue(m[2]!) };
}

/** `YYYY_MM` of a UTC instant. */
export function monthKey(at: Date): string {
  return `${at.getUTCFullYear()}_${String(at.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The first instant of the UTC month holding `at`. */
export function startOfUtcMonth(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/**
 * The months to retire, oldest first. `retentionDays` must be at least 1. A
 * default partition blocks everything: DETACH … CONCURRENTLY refuses to run
 * while the table has one, and a plain DETACH would lock live partitions.
 */
export function expiredPartitions(rows: PartitionRow[], now: Date, retentionDays: number): RetentionDecision {
  if (!Number.isFinite(retentionDays) || retentionDays < 1) {
    throw new Error(`retention must be at least 1 day, got ${retentionDays}`);
  }
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS);
  // Never the month holding now: with days ≥ 1 the cutoff is before it anyway; this states it.
  const limit = Math.min(cutoff.getTime(), startOfUtcMonth(now).getTime());
  const problems: string[] = [];
  const defaults = rows.filter((r) => r.bound.trim() === 'DEFAULT');
  for (const d of defaults) {
    problems.push(
      `${d.parent} has a default partition (${d.name}): retention needs DETACH CONCURRENTLY, which refuses it`,
    );
  }
  const blocked = new Set(defaults.map((d) => d.parent));
  const byMonth = new Map<string, ExpiredMonth>();
  for (const row of rows) {
    if (row.bound.trim() === 'DEFAULT' || blocked.has(row.parent)) continue;
    let range: PartitionRange;
    try {
      range = parsePartitionBound(row);
    } catch (err) {
      problems.push((err as Error).message);
      continue;
    }
    if (range.to === null || range.to.getTime() > limit) continue;
    const month = range.from ? monthKey(range.from) : range.name;
    const entry = byMonth.get(month) ?? { month, from: range.from, to: range.to, partitions: [] };
    entry.partitions.push(range);
    byMonth.set(month, entry);
  }
  const order = (p: PartitionRange) => PARTITIONED_TABLES.indexOf(p.parent);
  const expired = [...byMonth.values()]
    .map((m) => ({ ...m, partitions: m.partitions.sort((a, b) => order(a) - order(b)) }))
    .sort((a, b) => (a.from?.getTime() ?? -Infinity) - (b.from?.getTime() ?? -Infinity));
  return { cutoff, expired, problems };
}
