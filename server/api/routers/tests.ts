// Test results and flaky tests: the offenders list, one test's history, a
// job's tests, and quarantine (developers and above).
import { z } from 'zod';
import { FlakyFilter, jobTests, listFlakyTests, testHistory } from '../../domain/test-report/queries';
import { QuarantineRequest, quarantineTest, releaseTest } from '../../domain/test-report/quarantine';
import { FLAKE_WINDOW_DAYS } from '../../domain/test-report/flakiness';
import { developerProcedure, protectedProcedure, router } from '../trpc';

const TestRef = z.object({ id: z.string().uuid() });

export const testsRouter = router({
  /** Flaky or quarantined tests, highest flake rate first, with the window the figures cover. */
  flaky: protectedProcedure.input(FlakyFilter).query(async ({ ctx, input }) => ({
    windowDays: FLAKE_WINDOW_DAYS,
    tests: await listFlakyTests(ctx.db, input),
  })),
  /** One test and its latest results. */
  history: protectedProcedure.input(TestRef).query(({ ctx, input }) => testHistory(ctx.db, input.id)),
  /** A job's reports and failed tests per attempt. */
  forJob: protectedProcedure
    .input(z.object({ jobId: z.string().uuid() }))
    .query(({ ctx, input }) => jobTests(ctx.db, input.jobId)),
  quarantine: developerProcedure
    .input(QuarantineRequest)
    .mutation(({ ctx, input }) => quarantineTest(ctx.db, input, ctx.user.email, ctx.now())),
  release: developerProcedure
    .input(TestRef)
    .mutation(({ ctx, input }) => releaseTest(ctx.db, input.id, ctx.user.email, ctx.now())),
});
