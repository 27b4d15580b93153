// Cron schedules of pipelines (`schedule:` in the config of the default
// branch). Each pipeline with a schedule has its own pg-boss queue and
// schedule; pg-boss's timekeeper (in the scheduler process) drops one message
// per cron tick into it, and the scheduler turns each message into a run of
// the default branch with trigger `schedule` and low priority.
import type PgBoss from 'pg-boss';
import type { Db } from '../../db/client';

export function scheduleQueue(pipelineId: string): string {
  return `schedule.${pipelineId}`;
}

/** Makes the pipeline's pg-boss schedule match its config's `schedule` (null removes it). */
export async function syncSchedule(db: Db, boss: PgBoss, pipelineId: string, cron: string | null): Promise<boolean> {
  const pipeline = await db.pipeline.findUnique({ where: { id: pipelineId }, select: { schedule: true } });
  if (!pipeline) return false;
  const queue = scheduleQueue(pipelineId);
  if (cron) {
    if (!(await boss.getQueue(queue)))
      await boss.createQueue(queue, { name: queue, policy: 'standard', retryLimit: 2 });
    await boss.schedule(queue, cron, { pipelineId }, { tz: 'UTC' });
  } else if (pipeline.schedule) {
    await boss.unschedule(queue);
  }
  if (pipeline.schedule === cron) return false;
  await db.pipeline.update({ where: { id: pipelineId }, data: { schedule: cron } });
  return true;
}

export interface ScheduledTick {
  pipelineId: string;
  jobId: string;
}

/** Takes the ticks waiting in every scheduled pipeline's queue (SKIP LOCKED: one taker each). */
export async function takeScheduledTicks(db: Db, boss: PgBoss): Promise<ScheduledTick[]> {
  const pipelines = await db.pipeline.findMany({ where: { schedule: { not: null } }, select: { id: true } });
  const ticks: ScheduledTick[] = [];
  for (const { id } of pipelines) {
    const jobs = (await boss.fetch(scheduleQueue(id), { batchSize: 10 })) ?? [];
    for (const job of jobs) ticks.push({ pipelineId: id, jobId: job.id });
  }
  return ticks;
}
