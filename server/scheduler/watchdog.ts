// The heartbeat watchdog: an attempt whose runner fell silent is lost; its job
// is requeued with exponential backoff, up to a limit, then fails as
// dead-lettered. Each attempt is claimed by one guarded UPDATE, so several
// schedulers never handle the same loss twice, and a late heartbeat or result
// from the silent runner is refused afterwards (its attempt is over).
import type { Db } from '../db/client';
import { advanceRun, queueJob } from '../domain/job/advance-run';
import { lockRun, transitionJob } from '../domain/job/transitions';
import type { Enqueue } from '../domain/run/enqueue';
import type { Logger } from '../log';

export interface WatchdogConfig {
  lostAfterMs: number;
  maxLostRequeues: number;
  /** The first requeue waits this long; each next one twice as long. */
  backoffBaseMs: number;
}

export interface WatchdogDeps {
  db: Db;
  enqueue: Enqueue;
  now: () => Date;
  log: Logger;
}

const SYSTEM = { actor: 'watchdog' };

/** One sweep; returns how many attempts it found lost. */
export async function sweepLostAttempts(deps: WatchdogDeps, cfg: WatchdogConfig): Promise<number> {
  const now = deps.now();
  const cutoff = new Date(now.getTime() - cfg.lostAfterMs);
  const silent = await deps.db.jobAttempt.findMany({
    where: { finishedAt: null, lastHeartbeatAt: { lt: cutoff } },
    select: { id: true },
    take: 100,
  });
  let lost = 0;
  for (const { id } of silent) {
    if (await handleLost(deps, cfg, id, cutoff, now)) lost++;
  }
  return lost;
}

async function handleLost(
  deps: WatchdogDeps,
  cfg: WatchdogConfig,
  attemptId: string,
  cutoff: Date,
  now: Date,
): Promise<boolean> {
  return deps.db.$transaction(async (tx) => {
    const silentFor = Math.round(cfg.lostAfterMs / 1000);
    const { count } = await tx.jobAttempt.updateMany({
      where: { id: attemptId, finishedAt: null, lastHeartbeatAt: { lt: cutoff } },
      data: { finishedAt: now, reason: 'lost', message: `no heartbeat for ${silentFor} s` },
    });
    if (count === 0) return false; // a heartbeat came, or another scheduler took it
    const attempt = await tx.jobAttempt.findUniqueOrThrow({
      where: { id: attemptId },
      include: { job: true, runner: { select: { name: true } } },
    });
    const job = attempt.job;
    const run = { id: job.runId, createdAt: job.createdAt };
    await lockRun(tx, run);
    const current = await tx.job.findFirstOrThrow({
      where: { id: job.id, createdAt: job.createdAt },
      select: { status: true, lostCount: true },
    });
    if (current.status !== 'running') return true; // cancelled meanwhile: nothing to requeue
    const lostCount = current.lostCount + 1;
    const runner = attempt.runner?.name ?? 'its runner';
    if (lostCount <= cfg.maxLostRequeues) {
      const backoffSeconds = Math.ceil((cfg.backoffBaseMs * 2 ** (lostCount - 1)) / 1000);
      const reason = `${runner} lost (no heartbeat for ${silentFor} s); requeued ${lostCount} of ${cfg.maxLostRequeues}, in ${backoffSeconds} s`;
      await transitionJob(
        tx,
        run,
        job.id,
        'queued',
        { queuedAt: now, lostCount, notBefore: new Date(now.getTime() + backoffSeconds * 1000), statusReason: reason },
        { ...SYSTEM, reason },
        now,
        { from: ['running'] },
      );
      await queueJob(tx, deps.enqueue, job, { startAfterSeconds: backoffSeconds });
    } else {
      const reason = `lost its runner ${lostCount} times (last: ${runner}): dead-lettered`;
      await transitionJob(
        tx,
        run,
        job.id,
        'failed',
        { finishedAt: now, lostCount, deadLettered: true, statusReason: reason },
        { ...SYSTEM, reason },
        now,
        { from: ['running'] },
      );
    }
    await advanceRun(tx, run, deps.enqueue, now, SYSTEM);
    deps.log.warn({ jobId: job.id, job: job.name, attempt: attempt.number, lostCount }, 'attempt lost');
    return true;
  });
}
