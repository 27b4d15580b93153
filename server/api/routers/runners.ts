import { z } from 'zod';
import {
  AttemptResult,
  ClaimRequest,
  Heartbeat,
  LogChunk,
  RunnerPing,
  RunnerRegistration,
} from '../../contracts/runner';
import { attemptForToken, completeAttempt } from '../../domain/job/complete';
import { createRegistrationToken, listRunners, registerRunner, touchRunner } from '../../domain/runner/registration';
import { adminProcedure, protectedProcedure, publicProcedure, router, runnerProcedure } from '../trpc';

/** Runners as people see and manage them. */
export const runnersRouter = router({
  list: protectedProcedure.query(({ ctx }) => listRunners(ctx.db, ctx.now())),
  createRegistrationToken: adminProcedure
    .input(
      z.object({
        description: z.string().max(200).optional(),
        pool: z.string().trim().min(1).max(100).optional(),
        expiresInHours: z
          .number()
          .int()
          .min(1)
          .max(24 * 365)
          .optional(),
        maxUses: z.number().int().min(1).optional(),
      }),
    )
    .mutation(({ ctx, input }) => createRegistrationToken(ctx.db, { ...input, createdById: ctx.user.id }, ctx.now())),
});

/** The runner protocol: what runner processes call. */
export const runnerRouter = router({
  /** Exchanges a registration token for this runner's own token (returned once). */
  register: publicProcedure
    .input(RunnerRegistration)
    .mutation(({ ctx, input }) => registerRunner(ctx.db, input, ctx.now())),
  /** A sign of life; the runner shows online for 30 s after it. */
  ping: runnerProcedure.input(RunnerPing).mutation(async ({ ctx, input }) => {
    await touchRunner(ctx.db, ctx.runner.id, input, ctx.now());
    return { runnerId: ctx.runner.id, serverTime: ctx.now() };
  }),
  /** A long poll: a job of this runner's pool, or null when none came within waitMs. */
  claim: runnerProcedure.input(ClaimRequest).mutation(async ({ ctx, input, signal }) => {
    await touchRunner(ctx.db, ctx.runner.id, {}, ctx.now());
    return ctx.claim(ctx.runner, input.waitMs, signal);
  }),
  /** The attempt is alive; the answer carries cancellation. */
  heartbeat: publicProcedure.input(Heartbeat).mutation(async ({ ctx, input }) => {
    const attempt = await attemptForToken(ctx.db, input.token, ctx.now());
    await ctx.db.jobAttempt.update({ where: { id: attempt.id }, data: { lastHeartbeatAt: ctx.now() } });
    return { cancel: attempt.job.status === 'cancelled' };
  }),
  log: publicProcedure.input(LogChunk).mutation(async ({ ctx, input }) => {
    const attempt = await attemptForToken(ctx.db, input.token, ctx.now());
    await ctx.logs.write(attempt.jobId, attempt.number, input.seq, input.text);
    return { seq: input.seq };
  }),
  /** How the attempt ended; the server decides the job's status and advances the run. */
  complete: publicProcedure
    .input(AttemptResult)
    .mutation(({ ctx, input }) => completeAttempt(ctx.db, ctx.enqueue, input, ctx.now())),
});
