// The queues the system uses, created with pg-boss's schema.
import type PgBoss from 'pg-boss';

/** A new run waits here for the scheduler to plan it into stages and jobs. */
export const PLAN_RUN_QUEUE = 'plan-run';
/** NOTIFYed when a run waits for planning: wakes the schedulers' plan workers at once. */
export const PLAN_CHANNEL = 'switchyard_plan';

export interface PlanRunJob {
  runId: string;
  /** The run's partition key. */
  createdAt: string;
}

const QUEUES: PgBoss.Queue[] = [
  { name: PLAN_RUN_QUEUE, policy: 'standard', retryLimit: 5, retryDelay: 2, retryBackoff: true },
];

/** Creates the queues that do not exist yet. */
export async function createQueues(boss: PgBoss): Promise<void> {
  for (const queue of QUEUES) {
    if (!(await boss.getQueue(queue.name))) await boss.createQueue(queue.name, queue);
  }
}

/** Each runner pool's queue of jobs whose needs are met (push, PR and manual runs). */
export function poolQueue(pool: string): string {
  return `pool.${pool}`;
}

/** Jobs below this priority (scheduled runs: 0; push, PR and manual: 10) wait in the pool's background queue. */
export const BACKGROUND_BELOW_PRIORITY = 10;

/**
 * A pool's queue of background work (scheduled runs): runners take from it
 * only when the pool's own queue is empty, and never with the pool's last
 * free slots (the reserve kept for push and PR runs, claim.ts).
 */
export function backgroundQueue(pool: string): string {
  return `pool.${pool}.background`;
}

/** The queue a job of this priority waits in. */
export function jobQueue(pool: string, priority: number): string {
  return priority < BACKGROUND_BELOW_PRIORITY ? backgroundQueue(pool) : poolQueue(pool);
}

/** The NOTIFY channel that wakes runners' long polls; the payload is the pool. */
export const JOBS_CHANNEL = 'switchyard_jobs';

export interface QueuedJob {
  jobId: string;
  /** The job's partition key (its run's created_at). */
  createdAt: string;
}

/** Queues known to exist, per queue client (each may be on another database). */
const knownByBoss = new WeakMap<PgBoss, Set<string>>();

/**
 * Creates a pool's queues once. pg-boss's createQueue is not safe when two
 * processes create the same queue at once (it can deadlock on the partition it
 * adds): a failure is retried after checking whether the other one won.
 */
export async function ensurePoolQueue(boss: PgBoss, pool: string): Promise<void> {
  for (const name of [poolQueue(pool), backgroundQueue(pool)]) await ensureQueue(boss, name);
}

async function ensureQueue(boss: PgBoss, name: string): Promise<void> {
  let known = knownByBoss.get(boss);
  if (!known) knownByBoss.set(boss, (known = new Set()));
  if (known.has(name)) return;
  for (let attempt = 1; ; attempt++) {
    if (await boss.getQueue(name)) break;
    try {
      await boss.createQueue(name, { name, policy: 'standard', retryLimit: 0 });
      break;
    } catch (err) {
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt + Math.random() * 100));
    }
  }
  known.add(name);
}
