// Planning: a pending run becomes stages and jobs (from the config stored with
// it, never re-read), and its first jobs are queued, in one transaction. The
// run row is locked first, so two schedulers never plan one run twice.
import type PgBoss from 'pg-boss';
import type { Db } from '../db/client';
import type { Prisma } from '../db/generated/client';
import { advanceRun } from '../domain/job/advance-run';
import { deployPool } from '../domain/deployment/request';
import { buildDag } from '../domain/pipeline-config/dag';
import type { PipelineConfig } from '../domain/pipeline-config/model';
import type { Enqueue } from '../domain/run/enqueue';
import { ensurePoolQueue, type PlanRunJob } from '../queue/queues';

const SYSTEM = { actor: 'system' };

export interface PlanDeps {
  db: Db;
  boss: PgBoss;
  enqueue: Enqueue;
  now: () => Date;
}

/** Plans one run; returns false when it was not pending (already planned, or failed at creation). */
export async function planRun(deps: PlanDeps, msg: PlanRunJob): Promise<boolean> {
  const createdAt = new Date(msg.createdAt);
  const peek = await deps.db.pipelineRun.findFirst({
    where: { id: msg.runId, createdAt },
    select: { config: true, status: true },
  });
  if (!peek || peek.status !== 'pending' || !peek.config) return false;
  const config = peek.config as unknown as PipelineConfig;
  for (const pool of new Set(config.jobs.filter((j) => !j.deploy).map((j) => j.runsOn))) {
    await ensurePoolQueue(deps.boss, pool);
  }

  return deps.db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ status: string; priority: number }[]>`
      SELECT status::text AS status, priority FROM pipeline_runs
       WHERE id = ${msg.runId}::uuid AND created_at = ${createdAt} FOR UPDATE`;
    if (locked[0]?.status !== 'pending') return false;
    const now = deps.now();
    const run = { id: msg.runId, createdAt };
    const dag = buildDag(config);
    const stageNames = config.stages.filter((s) => config.jobs.some((j) => j.stage === s));
    const stageIds = new Map<string, string>();
    for (const [position, name] of stageNames.entries()) {
      const stage = await tx.stage.create({
        data: { runId: run.id, runCreatedAt: createdAt, name, position, createdAt: now },
      });
      stageIds.set(name, stage.id);
    }
    const deps_ = new Map(dag.jobs.map((j) => [j.name, j.dependsOn]));
    await tx.job.createMany({
      data: config.jobs.map((job) => ({
        createdAt,
        runId: run.id,
        stageId: stageIds.get(job.stage)!,
        name: job.name,
        pool: job.deploy ? deployPool(job.deploy.environment) : job.runsOn,
        priority: locked[0]!.priority,
        needs: deps_.get(job.name) ?? [],
        spec: job as unknown as Prisma.InputJsonValue,
        allowFailure: job.allowFailure,
      })),
    });
    await advanceRun(tx, run, deps.enqueue, now, SYSTEM);
    return true;
  });
}
