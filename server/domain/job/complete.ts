// A runner reports how an attempt ended; the server decides the job's status
// (a runner never says "success"), records the attempt, and advances the DAG
// in the same transaction. A report with an unknown, finished or expired
// attempt token (a zombie runner's late result) is refused.
import type { Db } from '../../db/client';
import type { AttemptReason } from '../../db/generated/enums';
import { hashToken } from '../auth/tokens';
import { Conflict, Unauthorized } from '../errors';
import type { Enqueue } from '../run/enqueue';
import type { JobConfig } from '../pipeline-config/model';
import { advanceRun, queueJob } from './advance-run';
import { quarantineReason, type QuarantineVerdict } from '../test-report/quarantine-verdict';
import { shouldRetry } from './retry-policy';
import { lockRun, transitionJob } from './transitions';

export interface AttemptReport {
  token: string;
  /** The script's exit code; null when it did not exit on its own. */
  exitCode: number | null;
  reason: Extract<AttemptReason, 'exit_code' | 'timeout' | 'runner_error' | 'cancelled'>;
  message?: string;
}

/** Loads the running attempt a token belongs to, or refuses. */
export async function attemptForToken(db: Db, token: string, now: Date) {
  const attempt = await db.jobAttempt.findUnique({
    where: { tokenHash: hashToken(token) },
    include: {
      job: {
        select: {
          id: true,
          runId: true,
          createdAt: true,
          status: true,
          name: true,
          spec: true,
          pool: true,
          priority: true,
        },
      },
      runner: { select: { name: true } },
    },
  });
  if (!attempt || attempt.tokenExpiresAt <= now) throw new Unauthorized('Unknown or expired attempt token');
  if (attempt.finishedAt)
    throw new Conflict(`Attempt ${attempt.number} of ${attempt.job.name} is already over (${attempt.reason})`);
  return attempt;
}

export async function completeAttempt(
  db: Db,
  enqueue: Enqueue,
  report: AttemptReport,
  now: Date,
  /** The attempt, when the caller has already loaded it for this token. */
  loaded?: Awaited<ReturnType<typeof attemptForToken>>,
  /** From its test reports: whether only quarantined tests failed (then the job passes). */
  quarantine: QuarantineVerdict = { ignored: false },
) {
  const attempt = loaded ?? (await attemptForToken(db, report.token, now));
  const ignored = quarantine.ignored && report.reason === 'exit_code' && report.exitCode !== null;
  const succeeded = (report.reason === 'exit_code' && report.exitCode === 0) || ignored;
  const actor = { actor: `runner:${attempt.runner?.name ?? 'unknown'}` };
  const run = { id: attempt.job.runId, createdAt: attempt.job.createdAt };
  return db.$transaction(async (tx) => {
    await lockRun(tx, run);
    const { count } = await tx.jobAttempt.updateMany({
      where: { id: attempt.id, finishedAt: null },
      data: { finishedAt: now, exitCode: report.exitCode, reason: report.reason, message: report.message ?? null },
    });
    if (count === 0) throw new Conflict('This attempt is already over');
    const reason = ignored
      ? quarantineReason(report.exitCode!, quarantine.tests)
      : succeeded
        ? 'exited 0'
        : report.reason === 'exit_code'
          ? `exited with code ${report.exitCode}`
          : report.reason === 'timeout'
            ? 'ran past its timeout'
            : report.reason === 'cancelled'
              ? 'cancelled'
              : (report.message ?? 'the runner could not run it');
    if (attempt.job.status === 'cancelled') {
      // Cancelled while it ran: the attempt is recorded, the job stays cancelled.
      return { jobStatus: 'cancelled' as const, runStatus: await advanceRun(tx, run, enqueue, now, actor) };
    }
    const spec = attempt.job.spec as unknown as JobConfig;
    const retry =
      !succeeded &&
      report.reason !== 'cancelled' &&
      shouldRetry(spec.retry, { number: attempt.number, reason: report.reason, exitCode: report.exitCode });
    const to = succeeded ? 'success' : retry ? 'queued' : report.reason === 'cancelled' ? 'cancelled' : 'failed';
    const moved = await transitionJob(
      tx,
      run,
      attempt.jobId,
      to,
      retry
        ? { queuedAt: now, statusReason: `attempt ${attempt.number} ${reason}; retrying` }
        : { finishedAt: now, exitCode: report.exitCode, statusReason: succeeded && !ignored ? null : reason },
      { ...actor, reason: retry ? `${reason}; retry ${attempt.number} of ${spec.retry.max}` : reason },
      now,
      { from: ['running'] },
    );
    if (!moved) throw new Conflict('The job is no longer running this attempt');
    if (retry) await queueJob(tx, enqueue, { ...attempt.job, createdAt: run.createdAt });
    const runStatus = await advanceRun(tx, run, enqueue, now, actor);
    return { jobStatus: to, runStatus };
  });
}
