// Turns cron ticks of scheduled pipelines into runs of their default branch
// (trigger `schedule`, the lowest priority). A tick that cannot become a run
// is failed with the reason, so it shows in pg-boss's history and retries.
import type PgBoss from 'pg-boss';
import { takeScheduledTicks, scheduleQueue } from '../domain/run/schedules';
import { triggerRun, type TriggerDeps } from '../domain/run/trigger-run';
import type { Logger } from '../log';

export interface ScheduledRunDeps extends TriggerDeps {
  boss: PgBoss;
  log: Logger;
}

/** One pass: every waiting tick becomes a run (or a failed tick). Returns how many runs it made. */
export async function fireScheduledRuns(deps: ScheduledRunDeps): Promise<number> {
  let created = 0;
  for (const tick of await takeScheduledTicks(deps.db, deps.boss)) {
    const queue = scheduleQueue(tick.pipelineId);
    try {
      const pipeline = await deps.db.pipeline.findUniqueOrThrow({
        where: { id: tick.pipelineId },
        select: { configPath: true, repo: { select: { id: true, cloneUrl: true, defaultBranch: true } } },
      });
      const repo = { ...pipeline.repo, configPath: pipeline.configPath };
      await deps.mirrors.fetch(repo);
      const sha = await deps.mirrors.resolve(repo.id, `refs/heads/${repo.defaultBranch}`);
      if (!sha) throw new Error(`the default branch ${repo.defaultBranch} does not exist`);
      const result = await triggerRun(deps, {
        repo,
        trigger: 'schedule',
        sha,
        branch: repo.defaultBranch,
        actor: 'schedule',
      });
      if (result.outcome === 'run_created') {
        created++;
        deps.log.info({ pipelineId: tick.pipelineId, runId: result.run.id }, 'scheduled run created');
      } else {
        deps.log.info({ pipelineId: tick.pipelineId, reason: result.reason }, 'scheduled tick ignored');
      }
      await deps.boss.complete(queue, tick.jobId);
    } catch (err) {
      deps.log.error({ err, pipelineId: tick.pipelineId }, 'scheduled run failed');
      await deps.boss.fail(queue, tick.jobId, { message: err instanceof Error ? err.message : String(err) });
    }
  }
  return created;
}
