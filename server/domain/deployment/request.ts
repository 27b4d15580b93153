// A deploy job reached: instead of a runner's queue, it becomes a deployment
// row (in the transaction that queued the job). It waits for approvals when
// its config asks for them, then for its environment's lock; the deployer in
// the scheduler takes it from there. No runner is held while it waits.
import type { DbTx } from '../../db/client';
import type { Prisma } from '../../db/generated/client';
import type { DeployConfig, JobConfig } from '../pipeline-config/model';
import type { Actor, RunRef } from '../job/transitions';
import { DEPLOYS_CHANNEL, deploymentEvent } from './transitions';

/**
 * The pool a deploy job is filed under: never a runner's (config names cannot
 * hold ':'), so runner queues, their depth and wait reasons leave it out.
 */
export const DEPLOY_POOL_PREFIX = 'deploy:';

export function deployPool(environment: string): string {
  return `${DEPLOY_POOL_PREFIX}${environment}`;
}

/** Runner pools only: leaves deploy jobs out of a job query. */
export const RUNNER_POOLS = { pool: { not: { startsWith: DEPLOY_POOL_PREFIX } } };

/** The successful deployment serving an environment now: the last one to become healthy. */
export async function servingDeployment(tx: DbTx, environment: string) {
  return tx.deployment.findFirst({
    where: { environment, status: 'success' },
    orderBy: [{ deployedAt: 'desc' }, { createdAt: 'desc' }],
  });
}

export function waitingReason(config: Pick<DeployConfig, 'approvals'>, approved: number, environment: string): string {
  return approved < config.approvals
    ? `waiting for approval (${approved} of ${config.approvals})`
    : `waiting for ${environment}'s running deployment to finish`;
}

export async function requestDeployment(
  tx: DbTx,
  run: RunRef,
  job: { id: string; spec: unknown },
  who: Actor,
  now: Date,
): Promise<string> {
  const deploy = (job.spec as JobConfig).deploy!;
  const runRow = await tx.pipelineRun.findFirstOrThrow({
    where: { id: run.id, createdAt: run.createdAt },
    select: { commitSha: true, actor: true },
  });
  const artifact = await tx.artifact.findFirst({
    where: { runId: run.id, name: deploy.artifact },
    orderBy: { createdAt: 'desc' },
    select: { id: true },
  });
  const previous = await servingDeployment(tx, deploy.environment);
  const status = deploy.approvals > 0 ? 'awaiting_approval' : 'pending';
  const reason = waitingReason(deploy, 0, deploy.environment);
  const dep = await tx.deployment.create({
    data: {
      environment: deploy.environment,
      strategy: deploy.strategy,
      status,
      runId: run.id,
      runCreatedAt: run.createdAt,
      jobId: job.id,
      jobCreatedAt: run.createdAt,
      artifactId: artifact?.id ?? null,
      commitSha: runRow.commitSha,
      previousDeploymentId: previous?.id ?? null,
      config: deploy as unknown as Prisma.InputJsonValue,
      approvalsRequired: deploy.approvals,
      triggeredBy: runRow.actor,
      statusReason: reason,
      createdAt: now,
    },
  });
  await tx.job.updateMany({ where: { id: job.id, createdAt: run.createdAt }, data: { statusReason: reason } });
  await deploymentEvent(
    tx,
    { ...dep, jobId: job.id, jobCreatedAt: run.createdAt },
    { kind: 'deployment.status', toStatus: status, reason },
    who,
    now,
  );
  await tx.$executeRaw`SELECT pg_notify(${DEPLOYS_CHANNEL}, ${deploy.environment})`;
  return dep.id;
}
