import { tracked } from '@trpc/server';
import { z } from 'zod';
import { tailLog } from '../../live/log-tail';
import { jobArtifacts } from '../../domain/artifact/job-artifacts';
import { retryJob, runManualJob } from '../../domain/job/control';
import { NotFound } from '../../domain/errors';
import type { Context } from '../trpc';
import { developerProcedure, protectedProcedure, router } from '../trpc';

const JobRef = z.object({ id: z.string().uuid() });
const AttemptRef = JobRef.extend({ attempt: z.number().int().min(1).optional() });

/** The attempt asked for (the latest when none is), and whether it is over. */
async function attemptOf(ctx: Context, input: z.infer<typeof AttemptRef>) {
  const job = await ctx.db.job.findFirst({
    where: { id: input.id },
    select: { attemptCount: true, attempts: { select: { number: true, finishedAt: true } } },
  });
  if (!job) throw new NotFound(`Job ${input.id}`);
  const number = input.attempt ?? job.attemptCount;
  const attempt = job.attempts.find((a) => a.number === number);
  if (input.attempt !== undefined && !attempt) throw new NotFound(`Attempt ${input.attempt} of job ${input.id}`);
  return { number, finished: attempt?.finishedAt != null };
}

export const jobsRouter = router({
  get: protectedProcedure.input(JobRef).query(async ({ ctx, input }) => {
    const job = await ctx.db.job.findFirst({
      where: { id: input.id },
      include: {
        attempts: { orderBy: { number: 'asc' }, include: { runner: { select: { name: true } } } },
        stage: { select: { name: true } },
        run: {
          select: {
            id: true,
            number: true,
            status: true,
            commitSha: true,
            branch: true,
            tag: true,
            pipeline: { select: { repo: { select: { name: true } } } },
          },
        },
      },
    });
    if (!job) throw new NotFound(`Job ${input.id}`);
    return job;
  }),
  /** The whole log of an attempt (the latest when none is given), each line stamped. */
  log: protectedProcedure.input(AttemptRef).query(async ({ ctx, input }) => {
    const { number } = await attemptOf(ctx, input);
    return { attempt: number, text: number > 0 ? await ctx.logs.read(input.id, number) : '' };
  }),
  /** Chunks after `afterSeq`, for following a log; `finished` once no more will come. */
  logChunks: protectedProcedure
    .input(AttemptRef.extend({ afterSeq: z.number().int().min(-1).default(-1) }))
    .query(async ({ ctx, input }) => {
      const { number, finished } = await attemptOf(ctx, input);
      const chunks = number > 0 ? await ctx.logs.chunks(input.id, number, input.afterSeq) : [];
      return { attempt: number, chunks, finished };
    }),
  /**
   * A live log over server-sent events: the chunks after `afterSeq` (or after the
   * last event the client saw, when it reconnects), then each new one as it is
   * written, then `end` once the attempt is over.
   */
  logTail: protectedProcedure
    .input(
      z.object({
        id: z.string().uuid(),
        attempt: z.number().int().min(1),
        afterSeq: z.number().int().min(-1).default(-1),
        lastEventId: z.string().nullish(),
      }),
    )
    .subscription(async function* ({ ctx, input, signal }) {
      const resumed = input.lastEventId ? Number(input.lastEventId) : NaN;
      const after = Number.isInteger(resumed) ? resumed : input.afterSeq;
      for await (const event of tailLog(ctx, input.id, input.attempt, after, signal)) {
        if (event.kind === 'chunk') yield tracked(String(event.chunk.seq), event);
        else yield tracked(`end`, event);
      }
    }),
  /** A pre-signed link to download the whole log of an attempt. */
  logUrl: protectedProcedure.input(AttemptRef).query(async ({ ctx, input }) => {
    const { number, finished } = await attemptOf(ctx, input);
    if (number === 0) throw new NotFound(`A log of job ${input.id} (it has not started)`);
    return { attempt: number, url: await ctx.logs.downloadUrl(input.id, number, finished) };
  }),
  /** The job's artifacts with size, checksum, expiry and a download link. */
  artifacts: protectedProcedure.input(JobRef).query(({ ctx, input }) => jobArtifacts(ctx, input.id)),
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
