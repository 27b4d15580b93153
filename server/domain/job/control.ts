// What people do to runs and jobs: cancel a run, retry a job (and what
// depends on it), start a manual job. Each is a set of guarded transitions
// with the actor and reason in run_events, then the DAG advances.
import type { Db } from '../../db/client';
import type { JobStatus } from '../../db/generated/enums';
import { cancelWaitingDeployments } from '../deployment/cancel';
import { NotFound, ValidationError } from '../errors';
import type { Enqueue } from '../run/enqueue';
import { advanceRun, startJob } from './advance-run';
import { lockRun, refreshRollups, transitionJob, type Actor } from './transitions';

async function findRun(db: Db, runId: string) {
  const run = await db.pipelineRun.findFirst({ where: { id: runId }, select: { id: true, createdAt: true } });
  if (!run) throw new NotFound(`Run ${runId}`);
  return run;
}

async function findJob(db: Db, jobId: string) {
  const job = await db.job.findFirst({ where: { id: jobId } });
  if (!job) throw new NotFound(`Job ${jobId}`);
  return job;
}

/** Queued and waiting jobs are dropped; running ones are told at their next heartbeat and killed. */
export async function cancelRun(db: Db, enqueue: Enqueue, runId: string, who: Actor, now: Date) {
  const run = await findRun(db, runId);
  return db.$transaction(async (tx) => {
    await lockRun(tx, run);
    const open = await tx.job.findMany({
      where: { runId: run.id, createdAt: run.createdAt, status: { in: ['pending', 'queued', 'manual', 'running'] } },
      select: { id: true, status: true },
    });
    for (const job of open) {
      await transitionJob(
        tx,
        run,
        job.id,
        'cancelled',
        { finishedAt: now, statusReason: `cancelled by ${who.actor}` },
        { ...who, reason: 'run cancelled' },
        now,
        {
          from: [job.status],
        },
      );
    }
    await cancelWaitingDeployments(
      tx,
      open.map((j) => j.id),
      who,
      now,
    );
    const status = await refreshRollups(tx, run, now, who);
    return { cancelled: open.length, running: open.filter((j) => j.status === 'running').length, runStatus: status };
  });
}

const RETRYABLE: JobStatus[] = ['failed', 'cancelled', 'skipped', 'success'];

/** Runs a finished job again, and puts the jobs that depend on it (transitively) back to waiting. */
export async function retryJob(db: Db, enqueue: Enqueue, jobId: string, who: Actor, now: Date) {
  const job = await findJob(db, jobId);
  if (!RETRYABLE.includes(job.status))
    throw new ValidationError(`${job.name} is ${job.status}: only a finished job can be retried`);
  const run = { id: job.runId, createdAt: job.createdAt };
  return db.$transaction(async (tx) => {
    await lockRun(tx, run);
    const all = await tx.job.findMany({
      where: { runId: run.id, createdAt: run.createdAt },
      select: { id: true, name: true, needs: true, status: true },
    });
    const downstream = new Set<string>();
    for (let grew = true; grew;) {
      grew = false;
      for (const j of all) {
        if (!downstream.has(j.name) && j.needs.some((n) => n === job.name || downstream.has(n))) {
          downstream.add(j.name);
          grew = true;
        }
      }
    }
    const reason = `retried by ${who.actor}`;
    await transitionJob(
      tx,
      run,
      job.id,
      'queued',
      { queuedAt: now, finishedAt: null, exitCode: null, statusReason: null },
      { ...who, reason },
      now,
      { strict: true },
    );
    await startJob(tx, enqueue, run, job, who, now);
    for (const j of all.filter((x) => downstream.has(x.name) && RETRYABLE.includes(x.status))) {
      await transitionJob(
        tx,
        run,
        j.id,
        'pending',
        { finishedAt: null, exitCode: null, statusReason: null },
        { ...who, reason: `${job.name} is retried` },
        now,
      );
    }
    await tx.pipelineRun.updateMany({ where: { id: run.id, createdAt: run.createdAt }, data: { finishedAt: null } });
    return advanceRun(tx, run, enqueue, now, who);
  });
}

/** Starts a job that waits for a person (`when: manual`). */
export async function runManualJob(db: Db, enqueue: Enqueue, jobId: string, who: Actor, now: Date) {
  const job = await findJob(db, jobId);
  if (job.status !== 'manual') throw new ValidationError(`${job.name} is ${job.status}, not waiting for a person`);
  const run = { id: job.runId, createdAt: job.createdAt };
  return db.$transaction(async (tx) => {
    await transitionJob(
      tx,
      run,
      job.id,
      'queued',
      { queuedAt: now },
      { ...who, reason: `started by ${who.actor}` },
      now,
      { from: ['manual'], strict: true },
    );
    await startJob(tx, enqueue, run, job, who, now);
    await tx.pipelineRun.updateMany({ where: { id: run.id, createdAt: run.createdAt }, data: { finishedAt: null } });
    return refreshRollups(tx, run, now, who);
  });
}

/** Retries every failed or cancelled job of a run (their skipped dependents go back to waiting). */
export async function retryFailedJobs(db: Db, enqueue: Enqueue, runId: string, who: Actor, now: Date) {
  const failed = await db.job.findMany({
    where: { runId, status: { in: ['failed', 'cancelled'] } },
    select: { id: true },
    orderBy: { name: 'asc' },
  });
  if (failed.length === 0) throw new ValidationError('No job of this run failed or was cancelled');
  let status: Awaited<ReturnType<typeof retryJob>> | undefined;
  for (const job of failed) {
    // An earlier retry may have reset this one already (it depended on that job).
    const current = await db.job.findFirst({ where: { id: job.id }, select: { status: true } });
    if (current && (current.status === 'failed' || current.status === 'cancelled')) {
      status = await retryJob(db, enqueue, job.id, who, now);
    }
  }
  return { retried: failed.length, runStatus: status };
}
