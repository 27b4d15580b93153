// A deployer approves or rejects a deployment that waits at its gate. Each
// decision is an `approvals` row and a run event; enough approvals release it
// to its environment's queue, one rejection ends it (and fails its job, so the
// run shows why). The rules come from the deploy config: how many approvals,
// and whether the person who started the run may give one.
import type { Db } from '../../db/client';
import type { ApprovalDecision } from '../../db/generated/enums';
import { hasRole } from '../auth/roles';
import { Conflict, Forbidden, NotFound, ValidationError } from '../errors';
import type { Enqueue } from '../run/enqueue';
import { advanceRun } from '../job/advance-run';
import { transitionJob } from '../job/transitions';
import type { DeployConfig } from '../pipeline-config/model';
import { waitingReason } from './request';
import { deploymentEvent, transitionDeployment } from './transitions';
import type { UserRole } from '../../db/generated/enums';

export interface Decider {
  id: string;
  email: string;
  role: UserRole;
}

export async function decideApproval(
  db: Db,
  enqueue: Enqueue,
  input: { deploymentId: string; decision: ApprovalDecision; comment?: string | null },
  user: Decider,
  now: Date,
) {
  if (!hasRole(user.role, 'deployer')) throw new Forbidden('Only a deployer can approve or reject a deployment');
  const comment = input.comment?.trim() || null;
  if (input.decision === 'rejected' && !comment) throw new ValidationError('Say why you reject it (a comment)');
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM deployments WHERE id = ${input.deploymentId}::uuid FOR UPDATE`;
    if (locked.length === 0) throw new NotFound(`Deployment ${input.deploymentId}`);
    const dep = await tx.deployment.findUniqueOrThrow({
      where: { id: input.deploymentId },
      include: { approvals: true, run: { select: { actorUserId: true } } },
    });
    if (dep.status !== 'awaiting_approval') {
      throw new Conflict(`This deployment is ${dep.status.replace('_', ' ')}, not waiting for approval`);
    }
    const config = dep.config as unknown as DeployConfig;
    if (!config.selfApproval && dep.run?.actorUserId === user.id) {
      throw new Forbidden('You started this run: someone else has to approve its deployment');
    }
    if (dep.approvals.some((a) => a.userId === user.id)) throw new Conflict('You already decided on this deployment');
    await tx.approval.create({
      data: { deploymentId: dep.id, userId: user.id, decision: input.decision, comment, createdAt: now },
    });
    const who = { actor: user.email, actorUserId: user.id };
    await deploymentEvent(tx, dep, { kind: 'approval', toStatus: input.decision, reason: comment }, who, now);
    const run = dep.runId && dep.runCreatedAt ? { id: dep.runId, createdAt: dep.runCreatedAt } : null;
    if (input.decision === 'rejected') {
      const reason = `rejected by ${user.email}: ${comment}`;
      await transitionDeployment(tx, dep.id, 'rejected', { finishedAt: now }, { ...who, reason }, now, {
        strict: true,
      });
      if (run && dep.jobId) {
        await transitionJob(
          tx,
          run,
          dep.jobId,
          'cancelled',
          { finishedAt: now, statusReason: reason },
          { ...who, reason },
          now,
          {
            from: ['queued'],
          },
        );
        await advanceRun(tx, run, enqueue, now, who);
      }
      return { status: 'rejected' as const, approvals: dep.approvals.length };
    }
    const approved = dep.approvals.filter((a) => a.decision === 'approved').length + 1;
    const reason = waitingReason(config, approved, dep.environment);
    if (approved >= dep.approvalsRequired) {
      await transitionDeployment(
        tx,
        dep.id,
        'pending',
        {},
        { ...who, reason: `approved by ${user.email}; ${reason}` },
        now,
        {
          strict: true,
        },
      );
    } else {
      await tx.deployment.update({ where: { id: dep.id }, data: { statusReason: reason } });
    }
    if (run && dep.jobId) {
      await tx.job.updateMany({ where: { id: dep.jobId, createdAt: run.createdAt }, data: { statusReason: reason } });
    }
    return {
      status: approved >= dep.approvalsRequired ? ('pending' as const) : ('awaiting_approval' as const),
      approvals: approved,
    };
  });
}
