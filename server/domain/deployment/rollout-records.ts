// What the deployer writes while it rolls a deployment out: taking the next
// one whose environment is free (the partial unique index on in_progress rows
// is the per-environment lock), the lease it renews, each traffic step, each
// health window, and the end, which finishes the deploy job and advances the
// run in the same transaction. Production healthy with a run's artifact is
// that run's deploy time.
import type { Db } from '../../db/client';
import type { Deployment, Prisma } from '../../db/generated/client';
import type { HealthResult } from '../../deploy/health-analysis';
import { advanceRun } from '../job/advance-run';
import { transitionJob, type Actor } from '../job/transitions';
import { PRODUCTION_ENVIRONMENT } from '../pipeline-config/model';
import type { Enqueue } from '../run/enqueue';
import { deploymentEvent, transitionDeployment } from './transitions';

const DEPLOYER: Actor = { actor: 'system' };

export type RolloutOutcome = 'success' | 'rolled_back' | 'failed' | 'cancelled';

function uniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; meta?: { code?: string }; message?: string };
  return e.code === 'P2002' || e.meta?.code === '23505' || /23505|unique constraint/i.test(e.message ?? '');
}

/** Takes the oldest pending deployment whose environment has no rollout running; null when there is none. */
export async function takeNextDeployment(db: Db, now: Date, leaseMs: number): Promise<Deployment | null> {
  try {
    return await db.$transaction(async (tx) => {
      const next = await tx.$queryRaw<{ id: string }[]>`
        SELECT d.id FROM deployments d
         WHERE d.status = 'pending'
           AND NOT EXISTS (SELECT 1 FROM deployments o WHERE o.environment = d.environment AND o.status = 'in_progress')
         ORDER BY d.created_at
         LIMIT 1
         FOR UPDATE SKIP LOCKED`;
      if (next.length === 0) return null;
      const id = next[0]!.id;
      const dep = await tx.deployment.findUniqueOrThrow({ where: { id } });
      const run = dep.runId && dep.runCreatedAt ? { id: dep.runId, createdAt: dep.runCreatedAt } : null;
      if (run && dep.jobId) {
        const started = await transitionJob(
          tx,
          run,
          dep.jobId,
          'running',
          { startedAt: now, statusReason: `rolling out to ${dep.environment}` },
          { ...DEPLOYER, reason: `rolling out to ${dep.environment}` },
          now,
          { from: ['queued'] },
        );
        if (!started) {
          await transitionDeployment(
            tx,
            id,
            'cancelled',
            { finishedAt: now },
            { ...DEPLOYER, reason: 'its job is no longer waiting' },
            now,
          );
          return null;
        }
      }
      await transitionDeployment(
        tx,
        id,
        'in_progress',
        { startedAt: now, leaseExpiresAt: new Date(now.getTime() + leaseMs), version: dep.version ?? dep.id },
        { ...DEPLOYER, reason: `rolling out to ${dep.environment} (${dep.strategy.replace('_', '-')})` },
        now,
        { strict: true },
      );
      return tx.deployment.findUniqueOrThrow({ where: { id } });
    });
  } catch (err) {
    if (uniqueViolation(err)) return null; // another scheduler took this environment a moment ago
    throw err;
  }
}

export async function renewLease(db: Db, id: string, until: Date): Promise<boolean> {
  const { count } = await db.deployment.updateMany({
    where: { id, status: 'in_progress' },
    data: { leaseExpiresAt: until },
  });
  return count > 0;
}

/** Whether the rollout should stop: its job was cancelled (the run was), or it is no longer in progress. */
export async function rolloutCancelled(db: Db, dep: Deployment): Promise<boolean> {
  const row = await db.deployment.findUnique({
    where: { id: dep.id },
    select: { status: true, job: { select: { status: true } } },
  });
  return !row || row.status !== 'in_progress' || row.job?.status === 'cancelled';
}

export async function recordStep(db: Db, dep: Deployment, percent: number, reason: string, now: Date) {
  await db.$transaction(async (tx) => {
    await tx.deployment.update({ where: { id: dep.id }, data: { trafficPercent: percent, statusReason: reason } });
    await deploymentEvent(tx, dep, { kind: 'deployment.step', reason, data: { percent } }, DEPLOYER, now);
  });
}

export async function recordHealth(
  db: Db,
  dep: Deployment,
  percent: number,
  result: HealthResult,
  source: string,
  now: Date,
) {
  await db.deploymentHealthCheck.create({
    data: {
      deploymentId: dep.id,
      step: percent,
      requests: result.requests,
      errorRate: result.errorRate ?? 0,
      p99Ms: result.p99Ms,
      verdict: result.verdict,
      reason: result.reasons.join('; '),
      source,
      createdAt: now,
    },
  });
}

/**
 * Ends a rollout: the deployment's final status, its job's (success, or
 * failed with the reason; cancelled stays cancelled), the run advanced, and
 * for a healthy production deploy of a run, the run's deploy time.
 */
export async function finishDeployment(
  db: Db,
  enqueue: Enqueue,
  dep: Deployment,
  outcome: RolloutOutcome,
  reason: string,
  now: Date,
  data?: Prisma.InputJsonValue,
): Promise<void> {
  await db.$transaction(async (tx) => {
    await transitionDeployment(
      tx,
      dep.id,
      outcome,
      {
        finishedAt: now,
        leaseExpiresAt: null,
        ...(outcome === 'success' && { deployedAt: now, trafficPercent: 100 }),
        ...(outcome !== 'success' && { trafficPercent: 0 }),
      },
      { ...DEPLOYER, reason, data },
      now,
      { from: ['in_progress'] },
    );
    if (outcome === 'rolled_back') {
      await deploymentEvent(tx, dep, { kind: 'deployment.rollback', reason, data }, DEPLOYER, now);
    }
    const run = dep.runId && dep.runCreatedAt ? { id: dep.runId, createdAt: dep.runCreatedAt } : null;
    if (!run) return;
    if (dep.jobId) {
      const jobTo = outcome === 'success' ? 'success' : outcome === 'cancelled' ? 'cancelled' : 'failed';
      await transitionJob(
        tx,
        run,
        dep.jobId,
        jobTo,
        { finishedAt: now, statusReason: reason },
        { ...DEPLOYER, reason },
        now,
        { from: ['running'] },
      );
    }
    if (outcome === 'success' && dep.environment === PRODUCTION_ENVIRONMENT && !dep.rollbackOfId) {
      await tx.pipelineRun.updateMany({
        where: { id: run.id, createdAt: run.createdAt, deployedAt: null },
        data: { deployedAt: now },
      });
    }
    if (dep.jobId) await advanceRun(tx, run, enqueue, now, DEPLOYER);
  });
}

/** Rollouts whose scheduler stopped renewing their lease. */
export async function staleRollouts(db: Db, now: Date): Promise<Deployment[]> {
  return db.deployment.findMany({ where: { status: 'in_progress', leaseExpiresAt: { lt: now } } });
}
