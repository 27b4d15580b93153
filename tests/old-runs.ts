// A history of runs across months for retention tests: partitions for the
// months asked for, and in each month runs with a stage, jobs, attempts, audit
// events, test results, artifacts, and (for the first few runs) real log and
// artifact objects in the given object store. Rows are written with SQL in
// bulk (months of history through the domain would take minutes).
import type pg from 'pg';
import { artifactKey } from '../server/domain/artifact/artifacts';
import type { ObjectStore } from '../server/storage/object-store';
import { LogStore } from '../server/storage/log-store';

export const JOBS_PER_RUN = 2;
/** Per run: created, running, success; per job: one status event. */
export const EVENTS_PER_RUN = 3 + JOBS_PER_RUN;

/** The first instant of the UTC month `offset` months from the one holding `now`. */
export function monthStart(now: Date, offset: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
}

/** `YYYY_MM`, as partitions are named. */
export function monthName(start: Date): string {
  return `${start.getUTCFullYear()}_${String(start.getUTCMonth() + 1).padStart(2, '0')}`;
}

export interface MonthOfRuns {
  start: Date;
  name: string;
  runIds: string[];
  jobs: { id: string; runId: string; createdAt: Date }[];
  /** Jobs whose logs and artifacts are in the object store. */
  withObjects: { id: string; runId: string; createdAt: Date }[];
}

/** A repo and a pipeline to hang runs on; returns the pipeline id. */
export async function createPipeline(pool: pg.Pool): Promise<string> {
  const repo = await pool.query<{ id: string }>(
    `INSERT INTO repos (name, clone_url, webhook_secret_enc) VALUES ('acme/history', '/srv/git/history', 'x') RETURNING id`,
  );
  const pipeline = await pool.query<{ id: string }>(
    `INSERT INTO pipelines (repo_id, name, config_path) VALUES ($1, 'history', '.ci/pipeline.yml') RETURNING id`,
    [repo.rows[0]!.id],
  );
  await pool.query(`INSERT INTO test_cases (pipeline_id, job_name, suite, name) VALUES ($1, 'job1', 'suite', 'adds')`, [
    pipeline.rows[0]!.id,
  ]);
  return pipeline.rows[0]!.id;
}

/** `runs` runs in the month starting at `start` (its partitions are created); the first `withObjects` get objects. */
export async function seedMonth(
  pool: pg.Pool,
  objects: ObjectStore,
  pipelineId: string,
  start: Date,
  runs: number,
  withObjects: number,
): Promise<MonthOfRuns> {
  const day = start.toISOString().slice(0, 10);
  await pool.query(`SELECT switchyard_create_partitions($1::date, 1)`, [day]);
  const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const range = [start, end];
  const created = await pool.query<{ id: string }>(
    `INSERT INTO pipeline_runs (created_at, pipeline_id, number, status, trigger, commit_sha, started_at, finished_at)
     SELECT $2::timestamptz + interval '1 hour' + g * interval '1 minute', $1, g, 'success', 'push', md5(g::text || $2::text),
            $2::timestamptz + interval '1 hour', $2::timestamptz + interval '2 hours'
       FROM generate_series(1, $3::int) g
     RETURNING id`,
    [pipelineId, start, runs],
  );
  const inMonth = `created_at >= $1 AND created_at < $2`;
  await pool.query(
    `INSERT INTO stages (run_id, run_created_at, name, position, status) SELECT id, created_at, 'build', 0, 'success' FROM pipeline_runs WHERE ${inMonth}`,
    range,
  );
  await pool.query(
    `INSERT INTO jobs (created_at, run_id, stage_id, name, status, spec, attempt_count)
     SELECT r.created_at, r.id, s.id, 'job' || k, 'success', '{"artifacts":{"name":"bundle"}}', 1
       FROM pipeline_runs r JOIN stages s ON s.run_id = r.id CROSS JOIN generate_series(1, ${JOBS_PER_RUN}) k
      WHERE r.created_at >= $1 AND r.created_at < $2`,
    range,
  );
  await pool.query(
    `INSERT INTO job_attempts (job_id, job_created_at, number, token_hash, token_expires_at, exit_code, reason, finished_at)
     SELECT id, created_at, 1, md5(id::text || 'attempt'), created_at, 0, 'exit_code', created_at FROM jobs WHERE ${inMonth}`,
    range,
  );
  await pool.query(
    `INSERT INTO run_events (run_id, run_created_at, kind, to_status, actor, created_at)
     SELECT r.id, r.created_at, 'run.status', s, 'system', r.created_at
       FROM pipeline_runs r CROSS JOIN unnest(ARRAY['pending', 'running', 'success']) s
      WHERE r.created_at >= $1 AND r.created_at < $2`,
    range,
  );
  await pool.query(
    `INSERT INTO run_events (run_id, run_created_at, job_id, job_created_at, kind, to_status, actor, created_at)
     SELECT run_id, created_at, id, created_at, 'job.status', 'success', 'system', created_at FROM jobs WHERE ${inMonth}`,
    range,
  );
  await pool.query(
    `INSERT INTO test_results (test_case_id, job_id, job_created_at, attempt_id, commit_sha, status, created_at)
     SELECT tc.id, a.job_id, a.job_created_at, a.id, 'abc', 'passed', a.job_created_at
       FROM job_attempts a CROSS JOIN test_cases tc WHERE a.job_created_at >= $1 AND a.job_created_at < $2`,
    range,
  );
  const jobs = (
    await pool.query<{ id: string; run_id: string; created_at: Date }>(
      `SELECT id, run_id, created_at FROM jobs WHERE ${inMonth} ORDER BY created_at, name`,
      range,
    )
  ).rows.map((j) => ({ id: j.id, runId: j.run_id, createdAt: j.created_at }));
  const chosen = jobs.slice(0, withObjects * JOBS_PER_RUN);
  const logs = new LogStore(objects);
  for (const job of chosen) {
    await logs.write(job.id, 1, 0, `$ make ${job.id}\n`);
    await logs.write(job.id, 1, 1, `built ${job.id}\n`);
    await logs.compact(job.id, 1);
    const key = artifactKey(job.runId, job.id, 1, 'bundle');
    await objects.put(key, `bundle of ${job.id}`);
    await pool.query(
      `INSERT INTO artifacts (job_id, job_created_at, run_id, name, storage_key, size_bytes, sha256, created_at)
       VALUES ($1, $2, $3, 'bundle', $4, 10, 'x', $2)`,
      [job.id, job.createdAt, job.runId, key],
    );
  }
  return { start, name: monthName(start), runIds: created.rows.map((r) => r.id), jobs, withObjects: chosen };
}

/** A deployment of `job`'s artifact with `status`; returns its id. */
export async function deployArtifactOf(
  pool: pg.Pool,
  job: { id: string; runId: string; createdAt: Date },
  status: 'success' | 'failed',
  environment: string,
): Promise<string> {
  const r = await pool.query<{ id: string }>(
    `INSERT INTO deployments (environment, strategy, status, run_id, run_created_at, job_id, job_created_at, artifact_id, commit_sha, deployed_at)
     SELECT $1, 'rolling', $2, a.run_id, a.job_created_at, a.job_id, a.job_created_at, a.id, 'abc', a.created_at
       FROM artifacts a WHERE a.job_id = $3
     RETURNING id`,
    [environment, status, job.id],
  );
  return r.rows[0]!.id;
}
