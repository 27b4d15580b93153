// The guarded writes of job and run state. A transition updates a row only
// where its current status allows it (zero rows: InvalidTransition, or a race
// another process won), and appends its run_events row in the same
// transaction. Run and stage statuses are only ever derived (rollups).
import type { DbTx } from '../../db/client';
import type { JobStatus, Prisma, RunStatus } from '../../db/generated/client';
import { InvalidTransition } from '../errors';
import { rollupRun, rollupStage, runIsOver, sourcesOf } from './status';

export interface RunRef {
  id: string;
  createdAt: Date;
}

export interface Actor {
  actor: string;
  actorUserId?: string | null;
}

/**
 * Takes the run's row lock for the rest of the transaction. Every transaction
 * that changes a run's jobs takes it first, so decisions and roll-ups read the
 * jobs after every earlier change committed: two needs finishing at the same
 * moment cannot both miss the job that waits for them, and a stale read cannot
 * flip a failed run back to running.
 */
export async function lockRun(tx: DbTx, run: RunRef): Promise<void> {
  await tx.$queryRaw`SELECT 1 FROM pipeline_runs WHERE id = ${run.id}::uuid AND created_at = ${run.createdAt} FOR UPDATE`;
}

/** Moves a job to `to` if its status allows; returns whether it moved. */
export async function transitionJob(
  tx: DbTx,
  run: RunRef,
  jobId: string,
  to: JobStatus,
  data: Prisma.JobUncheckedUpdateManyInput,
  who: Actor & { reason?: string },
  now: Date,
  opts: { from?: JobStatus[]; strict?: boolean } = {},
): Promise<boolean> {
  const from = opts.from ?? sourcesOf(to);
  const current = await tx.job.findFirst({ where: { id: jobId, createdAt: run.createdAt }, select: { status: true } });
  const { count } = await tx.job.updateMany({
    where: { id: jobId, createdAt: run.createdAt, status: { in: from } },
    data: { ...data, status: to },
  });
  if (count === 0) {
    if (opts.strict) throw new InvalidTransition('job', current?.status ?? 'missing', to);
    return false;
  }
  await tx.runEvent.create({
    data: {
      runId: run.id,
      runCreatedAt: run.createdAt,
      jobId,
      jobCreatedAt: run.createdAt,
      kind: 'job.status',
      fromStatus: current?.status ?? null,
      toStatus: to,
      actor: who.actor,
      actorUserId: who.actorUserId ?? null,
      reason: who.reason ?? null,
      createdAt: now,
    },
  });
  return true;
}

/**
 * Recomputes the stages' and the run's statuses from the jobs. The run's
 * failed_at is the first moment it was known to fail (detect time);
 * finished_at is when no job can change anything any more.
 */
export async function refreshRollups(tx: DbTx, run: RunRef, now: Date, who: Actor): Promise<RunStatus> {
  await lockRun(tx, run);
  const jobs = await tx.job.findMany({
    where: { runId: run.id, createdAt: run.createdAt },
    select: { status: true, allowFailure: true, stageId: true },
  });
  const stages = await tx.stage.findMany({
    where: { runId: run.id },
    select: { id: true, status: true, startedAt: true },
  });
  for (const stage of stages) {
    const status = rollupStage(jobs.filter((j) => j.stageId === stage.id));
    if (status === stage.status) continue;
    const started = status !== 'pending' && status !== 'manual' && status !== 'skipped';
    await tx.stage.update({
      where: { id: stage.id },
      data: {
        status,
        ...(started && !stage.startedAt && { startedAt: now }),
        ...(['success', 'failed', 'skipped', 'cancelled'].includes(status) && { finishedAt: now }),
      },
    });
  }
  const current = await tx.pipelineRun.findFirstOrThrow({
    where: { id: run.id, createdAt: run.createdAt },
    select: { status: true, failedAt: true, finishedAt: true, startedAt: true },
  });
  const status = current.status === 'cancelled' ? 'cancelled' : rollupRun(jobs);
  const over = runIsOver(jobs);
  const data: Prisma.PipelineRunUpdateManyMutationInput = {};
  if (status !== current.status) data.status = status;
  if (status === 'failed' && !current.failedAt) data.failedAt = now;
  if (!current.startedAt && status !== 'pending') data.startedAt = now;
  if (over && !current.finishedAt) data.finishedAt = now;
  if (Object.keys(data).length > 0) {
    await tx.pipelineRun.updateMany({ where: { id: run.id, createdAt: run.createdAt }, data });
  }
  if (status !== current.status) {
    await tx.runEvent.create({
      data: {
        runId: run.id,
        runCreatedAt: run.createdAt,
        kind: 'run.status',
        fromStatus: current.status,
        toStatus: status,
        actor: who.actor,
        actorUserId: who.actorUserId ?? null,
        createdAt: now,
      },
    });
  }
  return status;
}
