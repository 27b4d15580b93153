// Applies the DAG's next step inside the caller's transaction: decided by the
// pure `advance`, written as guarded transitions, ready jobs queued on their
// pool's queue with a NOTIFY that wakes waiting runners (deploy jobs become
// deployments instead), then the roll-ups.
import type { DbTx } from '../../db/client';
import type { Prisma } from '../../db/generated/client';
import { JOBS_CHANNEL, jobQueue, type QueuedJob } from '../../queue/queues';
import type { JobConfig } from '../pipeline-config/model';
import type { Enqueue } from '../run/enqueue';
import { requestDeployment } from '../deployment/request';
import { advance } from './advance';
import { lockRun, refreshRollups, transitionJob, type Actor, type RunRef } from './transitions';

export async function queueJob(
  tx: DbTx,
  enqueue: Enqueue,
  job: { id: string; createdAt: Date; pool: string; priority: number },
  opts: { startAfterSeconds?: number } = {},
): Promise<void> {
  const message: QueuedJob = { jobId: job.id, createdAt: job.createdAt.toISOString() };
  await enqueue(tx, jobQueue(job.pool, job.priority), message, {
    priority: job.priority,
    startAfter: opts.startAfterSeconds,
  });
  await tx.$executeRaw`SELECT pg_notify(${JOBS_CHANNEL}, ${job.pool})`;
}

/** Sends a job on its way once it is queued: a deploy job to the deployer, any other to its pool's runners. */
export async function startJob(
  tx: DbTx,
  enqueue: Enqueue,
  run: RunRef,
  job: { id: string; createdAt: Date; pool: string; priority: number; spec: unknown },
  who: Actor,
  now: Date,
): Promise<void> {
  if ((job.spec as JobConfig).deploy) await requestDeployment(tx, run, job, who, now);
  else await queueJob(tx, enqueue, job);
}

export async function advanceRun(tx: DbTx, run: RunRef, enqueue: Enqueue, now: Date, who: Actor) {
  await lockRun(tx, run);
  const jobs = await tx.job.findMany({
    where: { runId: run.id, createdAt: run.createdAt },
    select: {
      id: true,
      name: true,
      status: true,
      needs: true,
      allowFailure: true,
      spec: true,
      pool: true,
      priority: true,
      createdAt: true,
    },
  });
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const decisions = advance(jobs.map((j) => ({ ...j, when: (j.spec as unknown as JobConfig).when ?? 'on_success' })));
  for (const d of decisions) {
    const job = byName.get(d.name)!;
    const data: Prisma.JobUncheckedUpdateManyInput =
      d.to === 'queued'
        ? { queuedAt: now }
        : d.to === 'skipped'
          ? { finishedAt: now, statusReason: d.reason }
          : { statusReason: d.reason };
    const moved = await transitionJob(tx, run, job.id, d.to, data, { ...who, reason: d.reason }, now, {
      from: ['pending'],
    });
    if (moved && d.to === 'queued') await startJob(tx, enqueue, run, job, who, now);
  }
  return refreshRollups(tx, run, now, who);
}
