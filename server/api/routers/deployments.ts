import { z } from 'zod';
import { decideApproval } from '../../domain/deployment/approvals';
import { deploymentsOverview, getDeployment } from '../../domain/deployment/queries';
import { requestRollback } from '../../domain/deployment/rollback';
import { NotFound } from '../../domain/errors';
import { deployerProcedure, protectedProcedure, router } from '../trpc';

const Decision = z.object({
  id: z.string().uuid(),
  comment: z.string().trim().max(2000).optional(),
});

/** Deployments: what serves where, approvals, and one-click rollback. */
export const deploymentsRouter = router({
  overview: protectedProcedure.query(({ ctx }) => deploymentsOverview(ctx.db)),
  get: protectedProcedure.input(z.object({ id: z.string().uuid() })).query(async ({ ctx, input }) => {
    const d = await getDeployment(ctx.db, input.id);
    if (!d) throw new NotFound(`Deployment ${input.id}`);
    return d;
  }),
  approve: deployerProcedure
    .input(Decision)
    .mutation(({ ctx, input }) =>
      decideApproval(
        ctx.db,
        ctx.enqueue,
        { deploymentId: input.id, decision: 'approved', comment: input.comment },
        ctx.user,
        ctx.now(),
      ),
    ),
  reject: deployerProcedure
    .input(Decision)
    .mutation(({ ctx, input }) =>
      decideApproval(
        ctx.db,
        ctx.enqueue,
        { deploymentId: input.id, decision: 'rejected', comment: input.comment },
        ctx.user,
        ctx.now(),
      ),
    ),
  /** Sends an environment back to an earlier successful deployment (default: the one before what serves now). */
  rollback: deployerProcedure
    .input(
      z.object({
        environment: z.string().trim().min(1).max(100),
        to: z.string().uuid().optional(),
        reason: z.string().trim().max(2000).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const d = await requestRollback(
        ctx.db,
        { environment: input.environment, toDeploymentId: input.to, reason: input.reason },
        ctx.user,
        ctx.now(),
      );
      return { id: d.id, environment: d.environment, commitSha: d.commitSha, rollbackOfId: d.rollbackOfId };
    }),
});
