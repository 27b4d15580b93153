// The guarded writes of deployment state: a deployment moves only from a
// status that allows it (zero rows: another process won, or InvalidTransition
// when strict), with its run_events row in the same transaction, and a NOTIFY
// that wakes the deployer. Events go on the run whose artifact it deploys.
import type { DbTx } from '../../db/client';
import type { DeploymentStatus, Prisma } from '../../db/generated/client';
import { InvalidTransition } from '../errors';
import type { Actor } from '../job/transitions';
import { deploymentSourcesOf } from './status';

/** Wakes the deployer: a deployment was approved, queued, cancelled. */
export const DEPLOYS_CHANNEL = 'switchyard_deploys';

export interface DeploymentRef {
  id: string;
  runId: string | null;
  runCreatedAt: Date | null;
  jobId?: string | null;
  jobCreatedAt?: Date | null;
}

export async function deploymentEvent(
  tx: DbTx,
  dep: DeploymentRef,
  event: {
    kind: string;
    fromStatus?: string | null;
    toStatus?: string | null;
    reason?: string | null;
    data?: Prisma.InputJsonValue;
  },
  who: Actor,
  now: Date,
): Promise<void> {
  if (!dep.runId || !dep.runCreatedAt) return;
  await tx.runEvent.create({
    data: {
      runId: dep.runId,
      runCreatedAt: dep.runCreatedAt,
      jobId: dep.jobId ?? null,
      jobCreatedAt: dep.jobId ? (dep.jobCreatedAt ?? null) : null,
      deploymentId: dep.id,
      kind: event.kind,
      fromStatus: event.fromStatus ?? null,
      toStatus: event.toStatus ?? null,
      actor: who.actor,
      actorUserId: who.actorUserId ?? null,
      reason: event.reason ?? null,
      data: event.data,
      createdAt: now,
    },
  });
}

/** Moves a deployment to `to` if its status allows; returns whether it moved. */
export async function transitionDeployment(
  tx: DbTx,
  id: string,
  to: DeploymentStatus,
  data: Prisma.DeploymentUncheckedUpdateManyInput,
  who: Actor & { reason?: string; data?: Prisma.InputJsonValue },
  now: Date,
  opts: { from?: DeploymentStatus[]; strict?: boolean } = {},
): Promise<boolean> {
  const from = opts.from ?? deploymentSourcesOf(to);
  const current = await tx.deployment.findUnique({
    where: { id },
    select: {
      id: true,
      status: true,
      runId: true,
      runCreatedAt: true,
      jobId: true,
      jobCreatedAt: true,
      environment: true,
    },
  });
  const { count } = await tx.deployment.updateMany({
    where: { id, status: { in: from } },
    data: { ...data, status: to, statusReason: who.reason ?? data.statusReason },
  });
  if (count === 0) {
    if (opts.strict) throw new InvalidTransition('deployment', current?.status ?? 'missing', to);
    return false;
  }
  await deploymentEvent(
    tx,
    current!,
    { kind: 'deployment.status', fromStatus: current!.status, toStatus: to, reason: who.reason, data: who.data },
    who,
    now,
  );
  await tx.$executeRaw`SELECT pg_notify(${DEPLOYS_CHANNEL}, ${current!.environment})`;
  return true;
}
