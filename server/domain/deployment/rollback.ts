// One-click rollback: a deployer sends an environment back to an earlier
// successful deployment. It becomes a new deployment of that artifact, marked
// as a rollback of it, with who asked and why; the deployer takes the fast
// path (all traffic at once, no canary steps) and reuses the old version's
// instances when they still run (blue-green's other colour).
import type { Db } from '../../db/client';
import type { Prisma } from '../../db/generated/client';
import { hasRole } from '../auth/roles';
import { Conflict, Forbidden, NotFound, ValidationError } from '../errors';
import type { Decider } from './approvals';
import { servingDeployment } from './request';
import { DEPLOYS_CHANNEL, deploymentEvent } from './transitions';

export async function requestRollback(
  db: Db,
  input: { environment: string; toDeploymentId?: string | null; reason?: string | null },
  user: Decider,
  now: Date,
) {
  if (!hasRole(user.role, 'deployer')) throw new Forbidden('Only a deployer can roll back a deployment');
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`switchyard.rollback.${input.environment}`}))`;
    const serving = await servingDeployment(tx, input.environment);
    if (!serving) throw new NotFound(`A successful deployment to ${input.environment}`);
    const target = input.toDeploymentId
      ? await tx.deployment.findUnique({ where: { id: input.toDeploymentId } })
      : await tx.deployment.findFirst({
          where: {
            environment: input.environment,
            status: 'success',
            deployedAt: { lt: serving.deployedAt ?? now },
            artifactId: { not: null },
            NOT: { commitSha: serving.commitSha, artifactId: serving.artifactId },
          },
          orderBy: { deployedAt: 'desc' },
        });
    if (!target) throw new NotFound(`An earlier successful deployment to ${input.environment}`);
    if (target.environment !== input.environment) {
      throw new ValidationError(`Deployment ${target.id} went to ${target.environment}, not ${input.environment}`);
    }
    if (target.status !== 'success') {
      throw new ValidationError(`Only a successful deployment can be rolled back to; this one is ${target.status}`);
    }
    if (target.id === serving.id) throw new Conflict(`That deployment is what ${input.environment} serves now`);
    if (!target.artifactId) throw new ValidationError(`The artifact of deployment ${target.id} is gone`);
    const open = await tx.deployment.findFirst({
      where: {
        environment: input.environment,
        rollbackOfId: { not: null },
        status: { in: ['pending', 'in_progress'] },
      },
      select: { id: true },
    });
    if (open) throw new Conflict(`A rollback of ${input.environment} is already under way`);
    const reason = input.reason?.trim() || null;
    const dep = await tx.deployment.create({
      data: {
        environment: target.environment,
        strategy: target.strategy,
        status: 'pending',
        runId: target.runId,
        runCreatedAt: target.runCreatedAt,
        artifactId: target.artifactId,
        commitSha: target.commitSha,
        previousDeploymentId: serving.id,
        rollbackOfId: target.id,
        config: { ...(target.config as Prisma.JsonObject), approvals: 0 } as Prisma.InputJsonValue,
        approvalsRequired: 0,
        triggeredBy: user.email,
        note: reason,
        statusReason: `rollback to ${target.commitSha.slice(0, 7)} asked by ${user.email}`,
        createdAt: now,
      },
    });
    await deploymentEvent(
      tx,
      dep,
      {
        kind: 'deployment.rollback',
        toStatus: 'pending',
        reason: reason ?? `asked by ${user.email}`,
        data: { to: target.id, from: serving.id, commitSha: target.commitSha },
      },
      { actor: user.email, actorUserId: user.id },
      now,
    );
    await tx.$executeRaw`SELECT pg_notify(${DEPLOYS_CHANNEL}, ${target.environment})`;
    return dep;
  });
}
