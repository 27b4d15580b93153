// A live run being written while something else works on the database: in a
// loop, a run with a stage and jobs is inserted into the current month, its
// jobs are claimed (an attempt each), finished, read back the way the
// dashboard reads them (by run id only, which plans over every partition),
// and the run is finished. Every statement is timed; errors are kept, not
// thrown, so the test can report them all.
import pg from 'pg';
import type { Db } from '../server/db/client';

export interface WriterStats {
  statements: number;
  runs: number;
  errors: string[];
  maxMs: number;
  p99Ms: number;
  p50Ms: number;
  /** The slowest statement, to say which one when it is too slow. */
  slowest: string;
}

export interface LiveWriter {
  /** Runs written so far and errors seen (wait on it with waitFor). */
  progress(): { runs: number; errors: number; lastError?: string };
  /** Forgets the timings so far (the warm-up: first connections, first queries). */
  resetTimings(): void;
  stop(): Promise<WriterStats>;
}

export async function startLiveWriter(url: string, prisma: Db, pipelineId: string): Promise<LiveWriter> {
  const client = new pg.Client({ connectionString: url, application_name: 'live-writer' });
  await client.connect();
  const times: { ms: number; what: string }[] = [];
  const errors: string[] = [];
  let runs = 0;
  let stopping = false;

  async function timed<T>(what: string, fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await fn();
    } finally {
      times.push({ ms: performance.now() - t0, what });
    }
  }
  const q = (what: string, sql: string, params: unknown[] = []) => timed(what, () => client.query(sql, params));

  async function oneRun(n: number) {
    await q('begin', 'BEGIN');
    const run = await q(
      'insert run',
      `INSERT INTO pipeline_runs (pipeline_id, number, trigger, commit_sha, status) VALUES ($1, $2, 'push', md5($3), 'pending')
       RETURNING id, created_at`,
      [pipelineId, 100_000 + n, `live ${n}`],
    );
    const { id: runId, created_at: at } = run.rows[0] as { id: string; created_at: Date };
    const stage = await q(
      'insert stage',
      `INSERT INTO stages (run_id, run_created_at, name, position) VALUES ($1, $2, 'build', 0) RETURNING id`,
      [runId, at],
    );
    const jobs = await q(
      'insert jobs',
      `INSERT INTO jobs (created_at, run_id, stage_id, name, spec, status)
       SELECT $1, $2, $3, 'live' || k, '{}', 'queued' FROM generate_series(1, 3) k RETURNING id`,
      [at, runId, (stage.rows[0] as { id: string }).id],
    );
    await q(
      'insert event',
      `INSERT INTO run_events (run_id, run_created_at, kind, to_status, actor) VALUES ($1, $2, 'run.status', 'pending', 'writer')`,
      [runId, at],
    );
    await q('commit', 'COMMIT');
    for (const { id } of jobs.rows as { id: string }[]) {
      await q('claim job', `UPDATE jobs SET status = 'running', started_at = now() WHERE id = $1 AND created_at = $2`, [
        id,
        at,
      ]);
      await q(
        'insert attempt',
        `INSERT INTO job_attempts (job_id, job_created_at, number, token_hash, token_expires_at, started_at)
         VALUES ($1, $2, 1, md5(gen_random_uuid()::text), now() + interval '1 hour', now())`,
        [id, at],
      );
      await q(
        'insert job event',
        `INSERT INTO run_events (run_id, run_created_at, job_id, job_created_at, kind, to_status, actor)
         VALUES ($1, $2, $3, $2, 'job.status', 'running', 'writer')`,
        [runId, at, id],
      );
      await q(
        'finish job',
        `UPDATE jobs SET status = 'success', finished_at = now() WHERE id = $1 AND created_at = $2`,
        [id, at],
      );
    }
    await q('read jobs by run', `SELECT id, status FROM jobs WHERE run_id = $1`, [runId]);
    await timed('prisma read run', () =>
      prisma.pipelineRun.findFirst({ where: { id: runId }, include: { stages: true } }),
    );
    await q(
      'finish run',
      `UPDATE pipeline_runs SET status = 'success', finished_at = now() WHERE id = $1 AND created_at = $2`,
      [runId, at],
    );
  }

  const loop = (async () => {
    for (let n = 1; !stopping; n++) {
      try {
        await oneRun(n);
        runs++;
      } catch (err) {
        errors.push((err as Error).message);
        await client.query('ROLLBACK').catch(() => undefined);
      }
    }
  })();

  return {
    progress: () => ({ runs, errors: errors.length, lastError: errors[errors.length - 1] }),
    resetTimings: () => void times.splice(0, times.length),
    async stop() {
      stopping = true;
      await loop;
      await client.end();
      const sorted = [...times].sort((a, b) => a.ms - b.ms);
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]?.ms ?? 0;
      const slowest = sorted[sorted.length - 1];
      return {
        statements: times.length,
        runs,
        errors,
        maxMs: slowest?.ms ?? 0,
        p99Ms: at(0.99),
        p50Ms: at(0.5),
        slowest: slowest?.what ?? '',
      };
    },
  };
}
