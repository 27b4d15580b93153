// Job statuses: which are terminal, which transitions are allowed, and the
// roll-up of a set of jobs into a stage's or a run's status.
import type { JobStatus, RunStatus } from '../../db/generated/enums';

export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['success', 'failed', 'skipped', 'cancelled'];

export function isTerminal(status: JobStatus): boolean {
  return TERMINAL_JOB_STATUSES.includes(status);
}

/** Allowed transitions: from → to. A write checks the current status is one of the sources. */
export const JOB_TRANSITIONS: Record<JobStatus, readonly JobStatus[]> = {
  pending: ['queued', 'manual', 'skipped', 'cancelled'],
  manual: ['queued', 'skipped', 'cancelled'],
  queued: ['running', 'cancelled'],
  // running → queued: a lost runner's job is requeued, or a retry follows a failed attempt.
  running: ['success', 'failed', 'queued', 'cancelled'],
  // A person retries a finished job: it and what depends on it go back to pending/queued.
  success: ['queued', 'pending'],
  failed: ['queued', 'pending'],
  skipped: ['queued', 'pending'],
  cancelled: ['queued', 'pending'],
};

/** The sources a transition to `to` may come from (for guarded UPDATEs). */
export function sourcesOf(to: JobStatus): JobStatus[] {
  return (Object.keys(JOB_TRANSITIONS) as JobStatus[]).filter((from) => JOB_TRANSITIONS[from].includes(to));
}

export interface RollupJob {
  status: JobStatus;
  allowFailure: boolean;
}

/**
 * A stage's status from its jobs, by priority: anything running or queued
 * makes it running; then failed (a failure that is not allowed); then waiting
 * states; all finished: success unless everything was cancelled or skipped.
 */
export function rollupStage(jobs: readonly RollupJob[]): JobStatus {
  if (jobs.length === 0) return 'skipped';
  if (jobs.some((j) => j.status === 'running' || j.status === 'queued')) return 'running';
  if (jobs.some((j) => j.status === 'failed' && !j.allowFailure)) return 'failed';
  if (jobs.some((j) => j.status === 'pending')) return 'pending';
  if (jobs.some((j) => j.status === 'manual')) return 'manual';
  if (jobs.every((j) => j.status === 'skipped')) return 'skipped';
  if (jobs.some((j) => j.status === 'cancelled')) return 'cancelled';
  return 'success';
}

/**
 * A run's status from its jobs. It is failed as soon as a job fails (that is
 * allowed to fail or not: not), even while others still run: fail fast, the
 * moment of detection. Manual jobs that nobody started do not keep it open.
 */
export function rollupRun(jobs: readonly RollupJob[]): RunStatus {
  if (jobs.some((j) => j.status === 'failed' && !j.allowFailure)) return 'failed';
  if (jobs.some((j) => j.status === 'running' || j.status === 'queued' || j.status === 'pending')) return 'running';
  if (
    jobs.length > 0 &&
    jobs.every((j) => j.status === 'cancelled' || j.status === 'skipped' || j.status === 'manual')
  ) {
    return jobs.some((j) => j.status === 'cancelled') ? 'cancelled' : 'success';
  }
  return jobs.some((j) => j.status === 'cancelled') ? 'cancelled' : 'success';
}

/** Whether a run with this status is over (no job will change it). */
export function runIsOver(jobs: readonly RollupJob[]): boolean {
  return jobs.every((j) => isTerminal(j.status) || j.status === 'manual');
}
