// The queues the system uses, created with pg-boss's schema.
import type PgBoss from 'pg-boss';

/** A new run waits here for the scheduler to plan it into stages and jobs. */
export const PLAN_RUN_QUEUE = 'plan-run';
/** Cron schedules of pipelines (`schedule:` in the config) fire here. */
export const SCHEDULED_RUN_QUEUE = 'scheduled-run';

export interface PlanRunJob {
  runId: string;
  /** The run's partition key. */
  createdAt: string;
}

export interface ScheduledRunJob {
  pipelineId: string;
}

const QUEUES: PgBoss.Queue[] = [
  { name: PLAN_RUN_QUEUE, policy: 'standard', retryLimit: 5, retryDelay: 2, retryBackoff: true },
  { name: SCHEDULED_RUN_QUEUE, policy: 'standard', retryLimit: 2 },
];

/** Creates the queues that do not exist yet. */
export async function createQueues(boss: PgBoss): Promise<void> {
  for (const queue of QUEUES) {
    if (!(await boss.getQueue(queue.name))) await boss.createQueue(queue.name, queue);
  }
}
