import { z } from 'zod';
import { changes, RUNS_CHANNEL } from '../../live/notification-hub';
import { cancelRun, retryFailedJobs } from '../../domain/job/control';
import { getRepo } from '../../domain/repo/repos';
import { getRun } from '../../domain/run/get-run';
import { overviewFigures } from '../../domain/insights/figures';
import { listRuns, RunFilter } from '../../domain/run/list-runs';
import { triggerManualRun } from '../../domain/run/trigger-run';
import { developerProcedure, protectedProcedure, router } from '../trpc';

export const runsRouter = router({
  /** Header figures: queue depth per pool, runners online, mean time to detect and to deploy (7 days). */
  figures: protectedProcedure.query(({ ctx }) => overviewFigures(ctx.db, ctx.now())),
  list: protectedProcedure.input(RunFilter).query(({ ctx, input }) => listRuns(ctx.db, input)),
  get: protectedProcedure
    .input(z.object({ id: z.string().uuid() }))
    .query(({ ctx, input }) => getRun(ctx.db, input.id)),
  /**
   * Tells the dashboard when a run changed (one run, or any when no id is
   * given), at most a few times a second; the page then refetches what it shows.
   */
  changes: protectedProcedure.input(z.object({ runId: z.string().uuid().optional() })).subscription(async function* ({
    ctx,
    input,
    signal,
  }) {
    const matches = (payload: string) => !input.runId || payload === input.runId;
    for await (const _ of changes(ctx.live, RUNS_CHANNEL, matches, signal, { minGapMs: 250, fallbackMs: 15_000 })) {
      yield { at: ctx.now() };
    }
  }),
  /** Drops queued jobs and stops running ones (at their next heartbeat). */
  cancel: developerProcedure
    .input(z.object({ id: z.string().uuid() }))
    .mutation(({ ctx, input }) =>
      cancelRun(ctx.db, ctx.enqueue, input.id, { actor: ctx.user.email, actorUserId: ctx.user.id }, ctx.now()),
    ),
  /** Retries every failed or cancelled job of the run. */
  retryFailed: developerProcedure
    .input(z.object({ id: z.string().uuid() }))
    .mutation(({ ctx, input }) =>
      retryFailedJobs(ctx.db, ctx.enqueue, input.id, { actor: ctx.user.email, actorUserId: ctx.user.id }, ctx.now()),
    ),
  /** A manual run of a branch, tag or commit (the default branch when none is given). */
  trigger: developerProcedure
    .input(
      z
        .object({
          repo: z.string().trim().min(1),
          ref: z.string().trim().min(1).max(255).optional(),
          sha: z.string().trim().optional(),
        })
        .refine((i) => !(i.ref && i.sha), { message: 'Give --ref or --sha, not both' }),
    )
    .mutation(async ({ ctx, input }) => {
      const repo = await getRepo(ctx.db, input.repo);
      return triggerManualRun(ctx, repo, {
        ref: input.ref,
        sha: input.sha,
        actor: ctx.user.email,
        actorUserId: ctx.user.id,
      });
    }),
});
