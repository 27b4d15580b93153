// The scheduler's plan worker: takes `plan-run` messages and plans each run.
// pg-boss's worker polls every 0.5 s at best, so a NOTIFY from the
// transaction that created the run wakes it at once.
import pg from 'pg';
import { PLAN_CHANNEL, PLAN_RUN_QUEUE, type PlanRunJob } from '../queue/queues';
import type { Logger } from '../log';
import { planRun, type PlanDeps } from './plan-run';

export interface Planner {
  stop(): Promise<void>;
}

export async function startPlanner(deps: PlanDeps & { log: Logger; url: string }): Promise<Planner> {
  const workerId = await deps.boss.work<PlanRunJob>(
    PLAN_RUN_QUEUE,
    { batchSize: 5, pollingIntervalSeconds: 2 },
    async (jobs) => {
      for (const job of jobs) {
        const planned = await planRun(deps, job.data);
        if (planned) deps.log.info({ runId: job.data.runId }, 'run planned');
      }
    },
  );
  const listener = new pg.Client({ connectionString: deps.url, application_name: 'switchyard-planner' });
  listener.on('notification', () => deps.boss.notifyWorker(workerId));
  listener.on('error', (err) =>
    deps.log.warn({ err: err.message }, 'plan listener lost its connection (the 2 s poll covers it)'),
  );
  await listener.connect();
  await listener.query(`LISTEN ${PLAN_CHANNEL}`);
  return {
    async stop() {
      await listener.end().catch(() => undefined);
      await deps.boss.offWork(PLAN_RUN_QUEUE).catch(() => undefined);
    },
  };
}
