import { z } from 'zod';
import { retryJob, runManualJob } from '../../domain/job/control';
import { NotFound } from '../../domain/errors';
import { developerProcedure, protectedProcedure, router } from '../trpc';

const JobRef = z.object({ id: z.string().uuid() });

export const jobsRouter = router({
  get: protectedProcedure.input(JobRef).query(async ({ ctx, input }) => {
    const job = await ctx.db.job.findFirst({
      where: { id: input.id },
      include: { attempts: { orderBy: { number: 'asc' }, include: { runner: { select: { name: true } } } } },
    });
    if (!job) throw new NotFound(`Job ${input.id}`);
    return job;
  }),
  /** The whole log of an attempt (the latest when none is given). */
  log: protectedProcedure
    .input(JobRef.extend({ attempt: z.number().int().min(1).optional() }))
    .query(async ({ ctx, input }) => {
      const job = await ctx.db.job.findFirst({ where: { id: input.id }, select: { attemptCount: true } });
      if (!job) throw new NotFound(`Job ${input.id}`);
      const attempt = input.attempt ?? job.attemptCount;
      return { attempt, text: attempt > 0 ? await ctx.logs.read(input.id, attempt) : '' };
    }),
  /** Runs a finished job again, and what depends on it. */
  retry: developerProcedure
    .input(JobRef)
    .mutation(({ ctx, input }) =>
      retryJob(ctx.db, ctx.enqueue, input.id, { actor: ctx.user.email, actorUserId: ctx.user.id }, ctx.now()),
    ),
  /** Starts a job that waits for a person. */
  run: developerProcedure
    .input(JobRef)
    .mutation(({ ctx, input }) =>
      runManualJob(ctx.db, ctx.enqueue, input.id, { actor: ctx.user.email, actorUserId: ctx.user.id }, ctx.now()),
    ),
});
