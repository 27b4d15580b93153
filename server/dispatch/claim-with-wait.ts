// The runner's long poll: claim at once if a job waits; otherwise wait for the
// pool's NOTIFY (or the fallback tick) and try again, until the deadline.
import type PgBoss from 'pg-boss';
import type { Db } from '../db/client';
import { claimNext, DEFAULT_RESERVED_SLOTS, type ClaimedJob } from '../domain/job/claim';
import type { AuthenticatedRunner } from '../domain/runner/registration';
import type { JobListener } from './job-listener';

/** How long a waiting claim sleeps at most between tries when no NOTIFY comes. */
export const FALLBACK_POLL_MS = 2_000;

export function claimWithWait(
  db: Db,
  boss: () => Promise<PgBoss>,
  listener: JobListener,
  now: () => Date,
  /** Slots per pool kept free of scheduled runs' jobs (QUEUE_RESERVED_SLOTS). */
  reservedSlots = DEFAULT_RESERVED_SLOTS,
) {
  return async (runner: AuthenticatedRunner, waitMs: number, signal?: AbortSignal): Promise<ClaimedJob | null> => {
    const deadline = Date.now() + waitMs;
    const b = await boss();
    // A runner that hung up must not be handed a job it will never hear of.
    while (!signal?.aborted) {
      const job = await claimNext(db, b, runner, now, reservedSlots);
      if (job) return job;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await listener.wait(runner.pool, Math.min(left, FALLBACK_POLL_MS), signal);
    }
    return null;
  };
}
