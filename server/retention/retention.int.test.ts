// Retention against a real PostgreSQL and a real local object store: four
// months of runs (two past the window, two inside it), retired while a live
// run is being written into the current month; then archive mode.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, waitFor, type TestDatabase } from '../../tests/db';
import { startLiveWriter } from '../../tests/live-writer';
import {
  createPipeline,
  deployArtifactOf,
  EVENTS_PER_RUN,
  JOBS_PER_RUN,
  monthStart,
  seedMonth,
  type MonthOfRuns,
} from '../../tests/old-runs';
import { createLogger } from '../log';
import { LocalObjectStore } from '../storage/local-object-store';
import { readArchiveTable, readManifest } from './archive-month';
import { startRetention } from '../scheduler/retention-loop';
import { runRetention, type RetentionOptions } from './retention-pass';

const log = createLogger({ proc: 'retention-test', level: 'warn' });
// Four months: m-4 and m-3 end more than 59 days ago, m-1 ends at most 31 days ago.
const RETENTION_DAYS = 50;

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function setup() {
  const db = await createTestDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-retention-'));
  cleanups.push(async () => {
    await db.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const objects = new LocalObjectStore({ dir, baseUrl: 'http://localhost:3000', signingKey: 'test' });
  return { db, objects, pipelineId: await createPipeline(db.pg) };
}

async function withClient<T>(db: TestDatabase, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: db.url, application_name: 'retention' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

const exists = async (db: TestDatabase, table: string) =>
  (await db.pg.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table])).rows[0]!.t !== null;
const count = async (db: TestDatabase, sql: string, params: unknown[] = []) =>
  Number((await db.pg.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, params)).rows[0]!.n);
const objectsOf = (objects: LocalObjectStore, job: { id: string; runId: string }) =>
  Promise.all([objects.list(`logs/${job.id}/`), objects.list(`artifacts/${job.runId}/${job.id}/`)]).then((l) =>
    l.flat(),
  );

describe('retention, drop mode', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  const now = new Date();
  let months: MonthOfRuns[];

  beforeAll(async () => {
    env = await setup();
    months = [];
    for (const offset of [-4, -3, -1, 0]) {
      months.push(await seedMonth(env.db.pg, env.objects, env.pipelineId, monthStart(now, offset), 300, 6));
    }
  });

  it('drops the old partitions and their objects while a live run is written, which never waits a second', async () => {
    const [oldest, old, recent, current] = months as [MonthOfRuns, MonthOfRuns, MonthOfRuns, MonthOfRuns];
    const shipped = old.withObjects[0]!;
    const keptDeployment = await deployArtifactOf(env.db.pg, shipped, 'success', 'production');
    const failedDeployment = await deployArtifactOf(env.db.pg, old.withObjects[2]!, 'failed', 'staging');
    const recentRows = await count(env.db, 'jobs WHERE created_at >= $1', [recent.start]);

    const writer = await startLiveWriter(env.db.url, env.db.prisma, env.pipelineId);
    const stopped = writer.stop;
    cleanups.push(async () => void (await stopped().catch(() => undefined)));
    const going = (runs: number) => () =>
      writer.progress().runs >= runs || (writer.progress().errors > 0 && writer.progress());
    await waitFor(going(5), { what: 'the live writer to get going' });
    writer.resetTimings();
    const options: RetentionOptions = { retentionDays: RETENTION_DAYS, mode: 'drop', now, monthsAhead: 2, chunk: 100 };
    const report = await withClient(env.db, (c) => runRetention(c, env.objects, log, options));
    await waitFor(going(writer.progress().runs + 3), { what: 'the writer to go on after retention' });
    const stats = await writer.stop();
    console.log(
      `live writer during retention: ${stats.runs} runs, ${stats.statements} statements, ` +
        `p50 ${stats.p50Ms.toFixed(1)} ms, p99 ${stats.p99Ms.toFixed(1)} ms, max ${stats.maxMs.toFixed(1)} ms (${stats.slowest})`,
    );
    console.log(
      'retention report',
      JSON.stringify(report.months.map((m) => ({ month: m.month, lockRetries: m.lockRetries, cleared: m.cleared }))),
    );

    expect(stats.errors).toEqual([]);
    expect(stats.maxMs).toBeLessThan(1000);

    expect(report.ran).toBe(true);
    expect(report.months.map((m) => [m.month, m.dropped, m.error])).toEqual([
      [oldest.name, true, undefined],
      [old.name, true, undefined],
    ]);
    for (const m of [oldest, old]) {
      expect(await exists(env.db, `jobs_${m.name}`)).toBe(false);
      expect(await exists(env.db, `pipeline_runs_${m.name}`)).toBe(false);
    }
    for (const m of [recent, current]) {
      expect(await exists(env.db, `jobs_${m.name}`)).toBe(true);
      expect(await exists(env.db, `pipeline_runs_${m.name}`)).toBe(true);
    }
    // Partitions ahead are still there for the writer of next month.
    expect(await exists(env.db, `jobs_${monthStart(now, 2).toISOString().slice(0, 7).replace('-', '_')}`)).toBe(true);

    // Nothing of the old months is left in the tables that pointed at them…
    const dependents = {
      stages: await count(env.db, 'stages WHERE run_created_at < $1', [recent.start]),
      attempts: await count(env.db, 'job_attempts WHERE job_created_at < $1', [recent.start]),
      events: await count(env.db, 'run_events WHERE run_created_at < $1', [recent.start]),
      results: await count(env.db, 'test_results WHERE job_created_at < $1', [recent.start]),
      artifacts: await count(env.db, 'artifacts WHERE job_created_at < $1 OR job_id IS NULL', [recent.start]),
    };
    expect(dependents).toEqual({ stages: 0, attempts: 0, events: 0, results: 0, artifacts: 1 });
    // …and the recent months are whole.
    expect(await count(env.db, 'jobs WHERE created_at >= $1 AND created_at < $2', [recent.start, current.start])).toBe(
      300 * JOBS_PER_RUN,
    );
    expect(
      await count(env.db, 'run_events WHERE run_created_at >= $1 AND run_created_at < $2', [
        recent.start,
        current.start,
      ]),
    ).toBe(300 * EVENTS_PER_RUN);
    expect(await count(env.db, 'jobs WHERE created_at >= $1', [recent.start])).toBeGreaterThanOrEqual(recentRows);
    expect(await count(env.db, 'test_cases')).toBe(1);

    // The artifact a successful deployment shipped stays (row and object) for a rollback; the deployment keeps its row.
    const kept = await env.db.prisma.artifact.findFirstOrThrow({
      where: { deployments: { some: { id: keptDeployment } } },
    });
    expect(kept).toMatchObject({ jobId: null, jobCreatedAt: null, runId: shipped.runId });
    expect((await env.objects.get(kept.storageKey))?.toString()).toBe(`bundle of ${shipped.id}`);
    expect(await env.db.prisma.deployment.findUniqueOrThrow({ where: { id: keptDeployment } })).toMatchObject({
      runId: null,
      jobId: null,
      artifactId: kept.id,
      status: 'success',
    });
    expect(await env.db.prisma.deployment.findUniqueOrThrow({ where: { id: failedDeployment } })).toMatchObject({
      runId: null,
      jobId: null,
      artifactId: null,
      status: 'failed',
    });

    // Objects: the old months' logs and artifacts are gone, the recent ones' are all there.
    for (const job of [...oldest.withObjects, ...old.withObjects.filter((j) => j.id !== shipped.id)]) {
      expect(await objectsOf(env.objects, job)).toEqual([]);
    }
    expect(await env.objects.list(`logs/${shipped.id}/`)).toEqual([]);
    for (const job of [...recent.withObjects, ...current.withObjects]) {
      expect((await objectsOf(env.objects, job)).map((o) => o.key).sort()).toEqual(
        [
          `artifacts/${job.runId}/${job.id}/1/bundle.tar.gz`,
          `logs/${job.id}/1.log`,
          `logs/${job.id}/1/00000000`,
          `logs/${job.id}/1/00000001`,
        ].sort(),
      );
    }
    const removed = report.months.reduce((n, m) => n + m.logObjects, 0);
    expect(removed).toBe(2 * 6 * JOBS_PER_RUN * 3);
    expect(report.months.reduce((n, m) => n + m.keptArtifacts, 0)).toBe(1);

    // A second pass has nothing left to do.
    const again = await withClient(env.db, (c) => runRetention(c, env.objects, log, options));
    expect(again.months).toEqual([]);
  });

  it('lets one scheduler at a time run a pass', async () => {
    await withClient(env.db, async (holder) => {
      await holder.query(`SELECT pg_advisory_lock(hashtext('switchyard.retention'))`);
      const options: RetentionOptions = { retentionDays: 1, mode: 'drop', now: new Date(), monthsAhead: 2 };
      const report = await withClient(env.db, (c) => runRetention(c, env.objects, log, options));
      expect(report).toEqual({ ran: false, cutoff: null, months: [], problems: [] });
    });
  });
});

describe('retention, archive mode', () => {
  it('copies the old months (rows as gzipped JSON lines, whole logs) to the object store before dropping them', async () => {
    const env = await setup();
    const now = new Date();
    const old = await seedMonth(env.db.pg, env.objects, env.pipelineId, monthStart(now, -3), 40, 3);
    const recent = await seedMonth(env.db.pg, env.objects, env.pipelineId, monthStart(now, -1), 5, 1);
    const deployment = await deployArtifactOf(env.db.pg, old.withObjects[1]!, 'success', 'production');
    const runsBefore = (
      await env.db.pg.query<{ id: string; commit_sha: string }>(
        `SELECT id, commit_sha FROM pipeline_runs_${old.name} ORDER BY id`,
      )
    ).rows;

    const options: RetentionOptions = { retentionDays: RETENTION_DAYS, mode: 'archive', now, monthsAhead: 2, chunk: 7 };
    const report = await withClient(env.db, (c) => runRetention(c, env.objects, log, options));
    expect(report.months.map((m) => [m.month, m.archived, m.dropped, m.error])).toEqual([
      [old.name, true, true, undefined],
    ]);
    expect(await exists(env.db, `pipeline_runs_${old.name}`)).toBe(false);
    expect(await exists(env.db, `pipeline_runs_${recent.name}`)).toBe(true);

    const manifest = await readManifest(env.objects, old.name);
    expect(manifest).not.toBeNull();
    const jobCount = 40 * JOBS_PER_RUN;
    expect(manifest!.tables).toMatchObject({
      pipeline_runs: { rows: 40 },
      jobs: { rows: jobCount },
      stages: { rows: 40 },
      job_attempts: { rows: jobCount },
      run_events: { rows: 40 * EVENTS_PER_RUN },
      test_results: { rows: jobCount },
      artifacts: { rows: 3 * JOBS_PER_RUN },
      deployments: { rows: 1 },
    });
    const runs = await readArchiveTable(env.objects, old.name, 'pipeline_runs');
    expect(
      runs
        .map((r) => ({ id: r.id, commit_sha: r.commit_sha }))
        .sort((a, b) => String(a.id).localeCompare(String(b.id))),
    ).toEqual(runsBefore);
    const jobs = await readArchiveTable(env.objects, old.name, 'jobs');
    expect(new Set(jobs.map((j) => j.id))).toEqual(new Set(old.jobs.map((j) => j.id)));
    expect(jobs[0]).toMatchObject({ status: 'success', spec: { artifacts: { name: 'bundle' } } });
    const events = await readArchiveTable(env.objects, old.name, 'run_events');
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const archivedDeployments = await readArchiveTable(env.objects, old.name, 'deployments');
    expect(archivedDeployments.map((d) => d.id)).toEqual([deployment]);
    expect(archivedDeployments[0]!.run_id).toBe(old.withObjects[1]!.runId);

    // The archive loads back into a recreated partition, parents first.
    await env.db.pg.query('SELECT switchyard_create_partitions($1::date, 1)', [old.start.toISOString().slice(0, 10)]);
    await env.db.pg.query(
      'INSERT INTO pipeline_runs SELECT * FROM jsonb_populate_recordset(NULL::pipeline_runs, $1::jsonb)',
      [JSON.stringify(runs)],
    );
    await env.db.pg.query('INSERT INTO stages SELECT * FROM jsonb_populate_recordset(NULL::stages, $1::jsonb)', [
      JSON.stringify(await readArchiveTable(env.objects, old.name, 'stages')),
    ]);
    await env.db.pg.query('INSERT INTO jobs SELECT * FROM jsonb_populate_recordset(NULL::jobs, $1::jsonb)', [
      JSON.stringify(jobs),
    ]);
    expect(await count(env.db, `jobs_${old.name}`)).toBe(jobCount);

    // Whole logs are kept under the archive; the live log objects are gone.
    expect(manifest!.logs.count).toBe(3 * JOBS_PER_RUN);
    for (const job of old.withObjects) {
      const archived = await env.objects.get(`archive/${old.name}/logs/${job.id}/1.log`);
      expect(archived?.toString()).toBe(`$ make ${job.id}\nbuilt ${job.id}\n`);
      expect(await env.objects.list(`logs/${job.id}/`)).toEqual([]);
    }
    expect(await env.objects.list(`logs/${recent.withObjects[0]!.id}/`)).toHaveLength(3);
  });
});

describe("the scheduler's retention loop", () => {
  it('runs a pass when it starts, and another on demand', async () => {
    const env = await setup();
    const now = new Date();
    const old = await seedMonth(env.db.pg, env.objects, env.pipelineId, monthStart(now, -4), 10, 1);
    const loop = startRetention({
      url: env.db.url,
      objects: env.objects,
      log,
      retentionDays: RETENTION_DAYS,
      mode: 'drop',
      monthsAhead: 2,
      now: () => now,
    });
    try {
      await waitFor(async () => !(await exists(env.db, `pipeline_runs_${old.name}`)), {
        what: 'the first pass to retire the old month',
      });
      await loop.runNow(); // the first pass's report if it is still finishing, else an empty pass
      const older = await seedMonth(env.db.pg, env.objects, env.pipelineId, monthStart(now, -5), 3, 0);
      const report = await loop.runNow();
      expect(report?.months.map((m) => [m.month, m.dropped])).toEqual([[older.name, true]]);
    } finally {
      await loop.stop();
    }
  });
});
