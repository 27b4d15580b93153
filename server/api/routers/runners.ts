import { z } from 'zod';
import {
  ArtifactAnnouncement,
  AttemptResult,
  ClaimRequest,
  Heartbeat,
  LogChunk,
  RunnerPing,
  RunnerRegistration,
  TestReportUpload,
} from '../../contracts/runner';
import { artifactUploadUrl, commitArtifact } from '../../domain/artifact/artifacts';
import { attemptForToken, completeAttempt } from '../../domain/job/complete';
import { jobInputs } from '../../domain/job/job-inputs';
import { finishLog } from '../../domain/job/finish-log';
import { settleAttemptTests } from '../../domain/test-report/attempt-tests';
import { recordTestReport } from '../../domain/test-report/record-report';
import { LOG_CHANNEL } from '../../storage/log-store';
import { createRegistrationToken, listRunners, registerRunner, touchRunner } from '../../domain/runner/registration';
import { runnersOverview } from '../../domain/runner/overview';
import { adminProcedure, protectedProcedure, publicProcedure, router, runnerProcedure } from '../trpc';

/** Runners as people see and manage them. */
export const runnersRouter = router({
  list: protectedProcedure.query(({ ctx }) => listRunners(ctx.db, ctx.now())),
  /** Runners with their current jobs, and each pool's queue with why its jobs wait. */
  overview: protectedProcedure.query(({ ctx }) => runnersOverview(ctx.db, ctx.now(), ctx.reservedSlots)),
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
    const claimed = await ctx.claim(ctx.runner, input.waitMs, signal);
    return claimed && { ...claimed, ...(await jobInputs(ctx, claimed)) };
  }),
  /** The attempt is alive; the answer carries cancellation. */
  heartbeat: publicProcedure.input(Heartbeat).mutation(async ({ ctx, input }) => {
    const attempt = await attemptForToken(ctx.db, input.token, ctx.now());
    await ctx.db.jobAttempt.update({ where: { id: attempt.id }, data: { lastHeartbeatAt: ctx.now() } });
    return { cancel: attempt.job.status === 'cancelled' };
  }),
  /** A numbered chunk of output (resending one is harmless); live viewers hear of it by NOTIFY. */
  log: publicProcedure.input(LogChunk).mutation(async ({ ctx, input }) => {
    const attempt = await attemptForToken(ctx.db, input.token, ctx.now());
    await ctx.logs.write(attempt.jobId, attempt.number, input.seq, input.text);
    await ctx.db.$executeRaw`SELECT pg_notify(${LOG_CHANNEL}, ${`${attempt.jobId}:${attempt.number}:${input.seq}`})`;
    return { seq: input.seq };
  }),
  /** Where to PUT an artifact archive. */
  artifactUploadUrl: publicProcedure.input(ArtifactAnnouncement).mutation(async ({ ctx, input }) => {
    const attempt = await attemptForToken(ctx.db, input.token, ctx.now());
    return artifactUploadUrl(ctx.objects, ctx.limits.artifactBytes, attempt, input);
  }),
  /** The archive is uploaded: the server checks its size and sha256, then registers it. */
  artifactCommit: publicProcedure.input(ArtifactAnnouncement).mutation(async ({ ctx, input }) => {
    const attempt = await attemptForToken(ctx.db, input.token, ctx.now());
    return commitArtifact(ctx.db, ctx.objects, attempt, input, ctx.now());
  }),
  /** A JUnit report of the running attempt (sent before `complete`); answers with its counts. */
  testReport: publicProcedure.input(TestReportUpload).mutation(async ({ ctx, input }) => {
    const attempt = await attemptForToken(ctx.db, input.token, ctx.now());
    return recordTestReport(ctx.db, attempt, input, ctx.now());
  }),
  /** How the attempt ended; the server decides the job's status and advances the run. */
  complete: publicProcedure.input(AttemptResult).mutation(async ({ ctx, input }) => {
    // The runner sends its result only once every chunk is acknowledged: the log is whole
    // now, and is written as one object before the job shows as finished.
    const now = ctx.now();
    const attempt = await attemptForToken(ctx.db, input.token, now);
    const quarantine = await settleAttemptTests(ctx, attempt, input, now);
    await finishLog(ctx, attempt.job, attempt.number);
    return completeAttempt(ctx.db, ctx.enqueue, input, now, attempt, quarantine);
  }),
});
