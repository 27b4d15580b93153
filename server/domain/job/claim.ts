// A runner takes a job: the queue message names a queued job; the job moves
// queued → running in a guarded write with a new attempt and its token (the
// token is returned once and stored hashed). A message whose job is no longer
// queued (cancelled meanwhile) is dropped and the next one taken. Background
// work (scheduled runs) is taken only when the pool's own queue is empty and
// a slot beyond the reserve is free, so a push or PR run finds a runner idle.
import type PgBoss from 'pg-boss';
import type { Db, DbTx } from '../../db/client';
import { BACKGROUND_BELOW_PRIORITY, backgroundQueue, poolQueue, type QueuedJob } from '../../queue/queues';
import { newToken } from '../auth/tokens';
import type { JobConfig } from '../pipeline-config/model';
import { RUNNER_ONLINE_WINDOW_MS, type AuthenticatedRunner } from '../runner/registration';
import { lockRun, refreshRollups, transitionJob } from './transitions';

export interface ClaimedJob {
  jobId: string;
  attemptId: string;
  attempt: number;
  /** Every write about this attempt carries it. */
  token: string;
  runId: string;
  runNumber: number;
  name: string;
  spec: JobConfig;
  repo: { name: string; cloneUrl: string };
  commitSha: string;
  branch: string | null;
  tag: string | null;
  /** Grace over the job's timeout for the token's life. */
  tokenExpiresAt: Date;
}

const TOKEN_GRACE_MS = 10 * 60_000;

/** Slots of a pool kept free of background work (scheduled runs) for push and PR runs, by default. */
export const DEFAULT_RESERVED_SLOTS = 1;

/**
 * How many of a pool's online slots background work may hold: all but the
 * reserve, and at least one (a pool of one slot still runs its nightly jobs).
 */
export function backgroundCap(onlineSlots: number, reserved: number): number {
  return Math.max(1, onlineSlots - reserved);
}

export async function claimNext(
  db: Db,
  boss: PgBoss,
  runner: AuthenticatedRunner,
  now: () => Date,
  reservedSlots = DEFAULT_RESERVED_SLOTS,
): Promise<ClaimedJob | null> {
  for (;;) {
    let queue = poolQueue(runner.pool);
    let [message] = await boss.fetch<QueuedJob>(queue, { batchSize: 1 });
    if (!message) {
      // Background work only with a slot to spare (checked again, exactly, when the job is taken).
      const room = await backgroundRoom(db, runner.pool, now(), reservedSlots);
      if (room.busy >= room.cap) return null;
      queue = backgroundQueue(runner.pool);
      [message] = await boss.fetch<QueuedJob>(queue, { batchSize: 1 });
      if (!message) return null;
    }
    const background = queue !== poolQueue(runner.pool);
    const claimed = await takeJob(db, runner, message.data, now(), background ? reservedSlots : null);
    if (claimed && 'heldBack' in claimed) {
      // Another runner took the last spare slot meanwhile: the job waits its turn again.
      await boss.send(queue, message.data, { priority: claimed.priority });
      await boss.deleteJob(queue, message.id);
      return null;
    }
    // The message only carried the job to a runner (the jobs table keeps what happened):
    // delete it rather than keep it completed, so a busy pool's queue partition holds
    // only waiting messages and its fetch stays an index lookup.
    await boss.deleteJob(queue, message.id);
    if (claimed) return claimed;
  }
}

/** A pool's background jobs running now, and how many it may run. */
async function backgroundRoom(
  db: DbTx,
  pool: string,
  now: Date,
  reserved: number,
): Promise<{ busy: number; cap: number }> {
  const seenSince = new Date(now.getTime() - RUNNER_ONLINE_WINDOW_MS);
  const [row] = await db.$queryRaw<{ slots: number; busy: number }[]>`
    SELECT (SELECT coalesce(sum(concurrency), 0)::int FROM runners
             WHERE pool = ${pool} AND disabled_at IS NULL AND last_seen_at > ${seenSince}) AS slots,
           (SELECT count(*)::int FROM jobs
             WHERE pool = ${pool} AND status = 'running' AND priority < ${BACKGROUND_BELOW_PRIORITY}) AS busy`;
  return { busy: row?.busy ?? 0, cap: backgroundCap(row?.slots ?? 0, reserved) };
}

async function takeJob(
  db: Db,
  runner: AuthenticatedRunner,
  msg: QueuedJob,
  now: Date,
  /** Set for background work: the slots to keep free. */
  reservedSlots: number | null,
): Promise<ClaimedJob | { heldBack: true; priority: number } | null> {
  const createdAt = new Date(msg.createdAt);
  return db.$transaction(async (tx) => {
    const job = await tx.job.findFirst({
      where: { id: msg.jobId, createdAt },
      include: {
        run: {
          select: {
            id: true,
            number: true,
            commitSha: true,
            branch: true,
            tag: true,
            pipeline: { select: { repo: true } },
          },
        },
      },
    });
    if (!job || job.status !== 'queued') return null;
    if (reservedSlots !== null) {
      // One background claim per pool at a time, so two runners cannot both take the last spare slot.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`switchyard.background.${runner.pool}`}))`;
      const room = await backgroundRoom(tx, runner.pool, now, reservedSlots);
      if (room.busy >= room.cap) return { heldBack: true as const, priority: job.priority };
    }
    const run = { id: job.runId, createdAt };
    await lockRun(tx, run);
    const attemptNumber = job.attemptCount + 1;
    const moved = await transitionJob(
      tx,
      run,
      job.id,
      'running',
      { startedAt: now, runnerId: runner.id, attemptCount: attemptNumber },
      { actor: `runner:${runner.name}`, reason: `attempt ${attemptNumber} on ${runner.name}` },
      now,
      { from: ['queued'] },
    );
    if (!moved) return null;
    const spec = job.spec as unknown as JobConfig;
    const token = newToken('attempt');
    const tokenExpiresAt = new Date(now.getTime() + spec.timeoutSeconds * 1000 + TOKEN_GRACE_MS);
    const attempt = await tx.jobAttempt.create({
      data: {
        jobId: job.id,
        jobCreatedAt: createdAt,
        number: attemptNumber,
        runnerId: runner.id,
        tokenHash: token.hash,
        tokenExpiresAt,
        startedAt: now,
        lastHeartbeatAt: now,
        createdAt: now,
      },
    });
    await refreshRollups(tx, run, now, { actor: `runner:${runner.name}` });
    const repo = job.run.pipeline.repo;
    return {
      jobId: job.id,
      attemptId: attempt.id,
      attempt: attemptNumber,
      token: token.token,
      runId: job.runId,
      runNumber: job.run.number,
      name: job.name,
      spec,
      repo: { name: repo.name, cloneUrl: repo.cloneUrl },
      commitSha: job.run.commitSha,
      branch: job.run.branch,
      tag: job.run.tag,
      tokenExpiresAt,
    };
  });
}
