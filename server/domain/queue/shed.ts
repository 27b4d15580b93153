// Shedding scheduled work while a pool's queue is over its threshold: whole
// `schedule`-triggered runs with queued jobs in the pool and nothing running,
// lowest priority first, newest first (the back of the queue), until enough
// queued jobs are gone. Push, PR and manual runs are never touched.
//
// A run whose pipeline still has its cron schedule is cancelled: the schedule
// fires again, so nothing is lost but a tick. A run whose schedule is gone
// (or every run, when the action is `defer`) is deferred instead: its queued
// jobs stay queued but are held back (`not_before`, and their queue messages'
// start_after) so they leave the depth and the runners' way for a while.
// Either way the run says why: its status reason, each job's status reason,
// and a `run.shed` event in run_events.
import type { DbTx, Db } from '../../db/client';
import type { Prisma } from '../../db/generated/client';
import { backgroundQueue, poolQueue } from '../../queue/queues';
import { QUEUE_SCHEMA } from '../../queue/boss';
import { cancelWaitingDeployments } from '../deployment/cancel';
import { lockRun, refreshRollups, transitionJob, type RunRef } from '../job/transitions';

export type ShedAction = 'cancel' | 'defer';

export interface ShedRequest {
  pool: string;
  /** Queued jobs to take out of the pool's queue (whole runs: possibly a few more). */
  jobs: number;
  /** Runs of this priority or lower may be shed. */
  maxPriority: number;
  /** "shed: queue depth N over threshold M". */
  reason: string;
  /** `cancel`: cancel runs whose schedule fires again, defer the rest; `defer`: defer every run. */
  action: ShedAction;
  deferSeconds: number;
  /** Figures stored with each run's event. */
  detail: Record<string, unknown>;
}

export interface ShedRun {
  runId: string;
  action: ShedAction;
  jobs: number;
}

const ACTOR = { actor: 'queue-monitor' };

interface Candidate {
  id: string;
  created_at: Date;
  schedule_active: boolean;
  queued_here: number;
}

async function candidates(db: Db, req: ShedRequest, now: Date): Promise<Candidate[]> {
  return db.$queryRaw<Candidate[]>`
    SELECT r.id, r.created_at, p.schedule IS NOT NULL AS schedule_active,
           count(*) FILTER (WHERE j.pool = ${req.pool} AND j.status = 'queued'
                              AND (j.not_before IS NULL OR j.not_before <= ${now}))::int AS queued_here
      FROM pipeline_runs r
      JOIN pipelines p ON p.id = r.pipeline_id
      JOIN jobs j ON j.run_id = r.id AND j.created_at = r.created_at
     WHERE r.trigger = 'schedule' AND r.status IN ('pending', 'running') AND r.priority <= ${req.maxPriority}
     GROUP BY r.id, r.created_at, r.priority, p.schedule
    HAVING count(*) FILTER (WHERE j.status = 'running') = 0
       AND count(*) FILTER (WHERE j.pool = ${req.pool} AND j.status = 'queued'
                              AND (j.not_before IS NULL OR j.not_before <= ${now})) > 0
     ORDER BY r.priority ASC, r.created_at DESC, r.id DESC
     LIMIT ${req.jobs}`;
}

async function shedEvent(tx: DbTx, run: RunRef, req: ShedRequest, action: ShedAction, jobs: number, now: Date) {
  await tx.pipelineRun.updateMany({
    where: { id: run.id, createdAt: run.createdAt },
    data: { statusReason: req.reason },
  });
  await tx.runEvent.create({
    data: {
      runId: run.id,
      runCreatedAt: run.createdAt,
      kind: 'run.shed',
      actor: ACTOR.actor,
      reason: action === 'cancel' ? req.reason : `${req.reason}; deferred ${req.deferSeconds} s`,
      data: { ...req.detail, pool: req.pool, action, jobs } as Prisma.InputJsonValue,
      createdAt: now,
    },
  });
}

/** Cancels a run's open jobs; false when a job started meanwhile (then the run is left alone). */
async function cancelShedRun(db: Db, run: RunRef, req: ShedRequest, now: Date): Promise<number | null> {
  return db.$transaction(async (tx) => {
    await lockRun(tx, run);
    const open = await tx.job.findMany({
      where: { runId: run.id, createdAt: run.createdAt, status: { in: ['pending', 'queued', 'manual', 'running'] } },
      select: { id: true, status: true },
    });
    if (open.some((j) => j.status === 'running') || open.length === 0) return null;
    for (const job of open) {
      await transitionJob(
        tx,
        run,
        job.id,
        'cancelled',
        { finishedAt: now, statusReason: req.reason },
        { ...ACTOR, reason: req.reason },
        now,
        { from: [job.status] },
      );
    }
    await cancelWaitingDeployments(
      tx,
      open.map((j) => j.id),
      ACTOR,
      now,
    );
    await shedEvent(tx, run, req, 'cancel', open.length, now);
    await refreshRollups(tx, run, now, ACTOR);
    return open.length;
  });
}

/** Holds a run's queued jobs in the pool back for deferSeconds. */
async function deferShedRun(db: Db, run: RunRef, req: ShedRequest, now: Date): Promise<number | null> {
  const until = new Date(now.getTime() + req.deferSeconds * 1000);
  return db.$transaction(async (tx) => {
    await lockRun(tx, run);
    const queued = await tx.job.findMany({
      where: { runId: run.id, createdAt: run.createdAt, pool: req.pool, status: 'queued' },
      select: { id: true },
    });
    if (queued.length === 0) return null;
    const ids = queued.map((j) => j.id);
    const reason = `${req.reason}; deferred until ${until.toISOString()}`;
    await tx.job.updateMany({
      where: { id: { in: ids }, createdAt: run.createdAt, status: 'queued' },
      data: { notBefore: until, statusReason: reason },
    });
    // The messages that carry these jobs to runners wait as long (pg-boss fetches only start_after < now()).
    await tx.$executeRawUnsafe(
      `UPDATE ${QUEUE_SCHEMA}.job SET start_after = $1
        WHERE name = ANY($2::text[]) AND state IN ('created', 'retry') AND data->>'jobId' = ANY($3::text[])`,
      until,
      [backgroundQueue(req.pool), poolQueue(req.pool)],
      ids,
    );
    await shedEvent(tx, run, req, 'defer', ids.length, now);
    return ids.length;
  });
}

/** Sheds scheduled runs until `req.jobs` queued jobs of the pool are gone; returns what it shed. */
export async function shedScheduledRuns(db: Db, req: ShedRequest, now: Date): Promise<ShedRun[]> {
  if (req.jobs <= 0) return [];
  const shed: ShedRun[] = [];
  let removed = 0;
  for (const c of await candidates(db, req, now)) {
    if (removed >= req.jobs) break;
    const run = { id: c.id, createdAt: c.created_at };
    const action: ShedAction = req.action === 'cancel' && c.schedule_active ? 'cancel' : 'defer';
    const jobs = action === 'cancel' ? await cancelShedRun(db, run, req, now) : await deferShedRun(db, run, req, now);
    if (jobs === null) continue;
    removed += c.queued_here;
    shed.push({ runId: c.id, action, jobs });
  }
  return shed;
}
