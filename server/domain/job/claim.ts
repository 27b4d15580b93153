// A runner takes a job: the queue message names a queued job; the job moves
// queued → running in a guarded write with a new attempt and its token (the
// token is returned once and stored hashed). A message whose job is no longer
// queued (cancelled meanwhile) is dropped and the next one taken.
import type PgBoss from 'pg-boss';
import type { Db } from '../../db/client';
import { poolQueue, type QueuedJob } from '../../queue/queues';
import { newToken } from '../auth/tokens';
import type { JobConfig } from '../pipeline-config/model';
import type { AuthenticatedRunner } from '../runner/registration';
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

export async function claimNext(
  db: Db,
  boss: PgBoss,
  runner: AuthenticatedRunner,
  now: () => Date,
): Promise<ClaimedJob | null> {
  const queue = poolQueue(runner.pool);
  for (;;) {
    const [message] = await boss.fetch<QueuedJob>(queue, { batchSize: 1 });
    if (!message) return null;
    const claimed = await takeJob(db, runner, message.data, now());
    // The message only carried the job to a runner (the jobs table keeps what happened):
    // delete it rather than keep it completed, so a busy pool's queue partition holds
    // only waiting messages and its fetch stays an index lookup.
    await boss.deleteJob(queue, message.id);
    if (claimed) return claimed;
  }
}

async function takeJob(db: Db, runner: AuthenticatedRunner, msg: QueuedJob, now: Date): Promise<ClaimedJob | null> {
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
