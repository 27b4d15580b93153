// One run as its page and `switchyard run status` show it.
import type { DbTx } from '../../db/client';
import { NotFound } from '../errors';

export async function getRun(db: DbTx, id: string) {
  const run = await db.pipelineRun.findFirst({
    where: { id },
    include: {
      pipeline: { select: { name: true, configPath: true, repo: { select: { name: true } } } },
      stages: { orderBy: { position: 'asc' }, select: { id: true, name: true, status: true } },
      jobs: {
        orderBy: { name: 'asc' },
        select: {
          id: true,
          name: true,
          status: true,
          stageId: true,
          needs: true,
          exitCode: true,
          statusReason: true,
          startedAt: true,
          finishedAt: true,
          attemptCount: true,
          allowFailure: true,
          pool: true,
        },
      },
      events: {
        orderBy: { id: 'asc' },
        select: { kind: true, fromStatus: true, toStatus: true, actor: true, reason: true, createdAt: true },
      },
    },
  });
  if (!run) throw new NotFound(`Run ${id}`);
  const { pipeline, ...rest } = run;
  const stageName = new Map(run.stages.map((s) => [s.id, s.name]));
  return {
    ...rest,
    jobs: run.jobs.map((j) => ({ ...j, stage: stageName.get(j.stageId) ?? '' })),
    repo: pipeline.repo.name,
    pipeline: pipeline.name,
    configPath: pipeline.configPath,
  };
}
