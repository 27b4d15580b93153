// One retention pass: the months of pipeline_runs and jobs older than the
// window are retired, oldest first. For each month: (archive mode) its rows
// and logs are copied to the object store; the jobs' log and artifact objects
// are deleted (but artifacts a successful deployment shipped); the rows of
// other tables that point at the month's jobs are cleared in batches; the
// jobs partition is detached concurrently and dropped; then the same for the
// runs partition. Every step is idempotent, so a pass that stopped anywhere is
// finished by the next one. One scheduler at a time runs it (advisory lock).
import type pg from 'pg';
import type { Logger } from '../log';
import type { ObjectStore } from '../storage/object-store';
import { archiveMonth } from './archive-month';
import { clearReferences, partitionPages, type KeySlice } from './clear-dependents';
import { DEFAULT_DDL_OPTIONS, detachAndDrop, isStillReferenced, type DdlOptions } from './detach-partition';
import { expiredPartitions, type ExpiredMonth, type PartitionRange } from './expired-partitions';
import { artifactsOfJobs, detachKeptArtifacts } from './kept-artifacts';
import { deleteJobObjects } from './old-objects';
import { listPartitions, referencingKeys, type ReferencingKey } from './partition-catalog';

/** `drop`: rows and objects go. `archive`: they are copied under archive/ first. */
export type RetentionMode = 'drop' | 'archive';

const LOCK_KEY = 'switchyard.retention';
/** Rounds of clear-then-detach when someone wrote to an old run meanwhile. */
const DETACH_ROUNDS = 3;

export interface RetentionOptions {
  retentionDays: number;
  mode: RetentionMode;
  now: Date;
  /** Months of partitions kept created ahead (switchyard_ensure_partitions). */
  monthsAhead: number;
  /** Only decide and report; change nothing. */
  dryRun?: boolean;
  ddl?: Partial<DdlOptions>;
  /** Parent rows per batch. */
  chunk?: number;
}

export interface MonthReport {
  month: string;
  partitions: string[];
  logObjects: number;
  artifactObjects: number;
  keptArtifacts: number;
  /** Rows of other tables deleted or emptied, by table. */
  cleared: Record<string, number>;
  archived: boolean;
  dropped: boolean;
  /** Times a DDL step gave up on a lock after lock_timeout and tried again. */
  lockRetries: number;
  error?: string;
}

export interface RetentionReport {
  /** False when another scheduler holds the retention lock (it runs the pass). */
  ran: boolean;
  cutoff: Date | null;
  months: MonthReport[];
  problems: string[];
}

/** Runs one pass on `client` (a connection of its own: DETACH CONCURRENTLY needs one outside any transaction). */
export async function runRetention(
  client: pg.ClientBase,
  objects: ObjectStore,
  log: Pick<Logger, 'info' | 'warn' | 'error'>,
  opts: RetentionOptions,
): Promise<RetentionReport> {
  const got = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [LOCK_KEY]);
  if (!got.rows[0]?.ok) return { ran: false, cutoff: null, months: [], problems: [] };
  try {
    if (!opts.dryRun) await client.query('SELECT switchyard_ensure_partitions($1::int)', [opts.monthsAhead]);
    const decision = expiredPartitions(await listPartitions(client), opts.now, opts.retentionDays);
    for (const problem of decision.problems) log.warn({ problem }, 'retention leaves a partition alone');
    const report: RetentionReport = { ran: true, cutoff: decision.cutoff, months: [], problems: decision.problems };
    for (const month of decision.expired) {
      const partitions = month.partitions.map((p) => p.name);
      if (opts.dryRun) {
        report.months.push({ ...emptyReport(month.month, partitions), dropped: false });
        continue;
      }
      const m = emptyReport(month.month, partitions);
      report.months.push(m);
      try {
        const onRetry = (step: string, err: Error) => {
          m.lockRetries++;
          log.warn({ step, reason: err.message }, 'retention stepped back from a lock and tries again');
        };
        await retireMonth(client, objects, month, m, { ...opts, ddl: { onRetry, ...opts.ddl } });
        log.info({ ...m, mode: opts.mode }, 'retention retired a month of runs');
      } catch (err) {
        m.error = (err as Error).message;
        log.error({ err, month: month.month }, 'retention could not retire a month; the next pass tries again');
      }
    }
    return report;
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext($1))', [LOCK_KEY]).catch(() => undefined);
  }
}

function emptyReport(month: string, partitions: string[]): MonthReport {
  return {
    month,
    partitions,
    logObjects: 0,
    artifactObjects: 0,
    keptArtifacts: 0,
    cleared: {},
    archived: false,
    dropped: false,
    lockRetries: 0,
  };
}

async function retireMonth(
  client: pg.ClientBase,
  objects: ObjectStore,
  month: ExpiredMonth,
  m: MonthReport,
  opts: RetentionOptions,
): Promise<void> {
  const ddl: DdlOptions = { ...DEFAULT_DDL_OPTIONS, ...opts.ddl };
  const refs = {
    jobs: await referencingKeys(client, 'jobs'),
    pipeline_runs: await referencingKeys(client, 'pipeline_runs'),
  };
  if (opts.mode === 'archive') {
    await archiveMonth(client, objects, month, [...refs.jobs, ...refs.pipeline_runs], opts.now, opts.chunk);
    m.archived = true;
  }
  for (const part of month.partitions) {
    const slice = (ids: string[]): KeySlice => ({ ids, from: part.from, to: part.to! });
    const clear = async () => {
      for await (const rows of partitionPages<{ id: string; run_id?: string }>(
        client,
        part.name,
        part.parent === 'jobs' ? ['run_id'] : [],
        opts.chunk,
      )) {
        const s = slice(rows.map((r) => r.id));
        if (part.parent === 'jobs') await retireJobObjects(client, objects, rows, s, m);
        await clearAll(client, refs[part.parent], s, m);
      }
    };
    await clear();
    await detachWhenClear(client, part, clear, ddl);
  }
  m.dropped = true;
}

async function retireJobObjects(
  client: pg.ClientBase,
  objects: ObjectStore,
  rows: { id: string; run_id?: string }[],
  slice: KeySlice,
  m: MonthReport,
) {
  const artifacts = await artifactsOfJobs(client, slice);
  const removed = await deleteJobObjects(
    objects,
    rows.map((r) => ({ id: r.id, runId: r.run_id! })),
    artifacts,
  );
  m.logObjects += removed.logs;
  m.artifactObjects += removed.artifacts;
  m.keptArtifacts += await detachKeptArtifacts(client, artifacts);
}

async function clearAll(client: pg.ClientBase, refs: ReferencingKey[], slice: KeySlice, m: MonthReport) {
  for (const ref of refs) {
    const n = await clearReferences(client, ref, slice);
    if (n > 0) m.cleared[ref.table] = (m.cleared[ref.table] ?? 0) + n;
  }
}

/** Detaches and drops; when a row pointing at the partition appeared meanwhile, clears again and retries. */
async function detachWhenClear(
  client: pg.ClientBase,
  part: PartitionRange,
  clear: () => Promise<void>,
  ddl: DdlOptions,
) {
  for (let round = 1; ; round++) {
    try {
      return await detachAndDrop(client, part.parent, part.name, ddl);
    } catch (err) {
      if (!isStillReferenced(err) || round >= DETACH_ROUNDS) throw err;
      await clear();
    }
  }
}
