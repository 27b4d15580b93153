// Recording a run: its number, the config as it was at the commit, the first
// audit event and, for a valid config, the message that asks the scheduler to
// plan it, all in one transaction. An invalid config makes a failed run at
// once, with its errors, never a crash.
import type { Db } from '../../db/client';
import type { Prisma } from '../../db/generated/client';
import type { RunStatus, RunTrigger } from '../../db/generated/enums';
import { PLAN_CHANNEL, PLAN_RUN_QUEUE, type PlanRunJob } from '../../queue/queues';
import type { ConfigIssue } from '../pipeline-config/parse';
import type { Enqueue } from './enqueue';

/** Queue priority of a run's jobs: what people wait for first, schedules last. */
export const TRIGGER_PRIORITY: Record<RunTrigger, number> = { push: 10, pr: 10, manual: 10, schedule: 0 };

export interface NewRun {
  pipelineId: string;
  trigger: RunTrigger;
  commitSha: string;
  commitMessage?: string | null;
  branch?: string | null;
  tag?: string | null;
  prNumber?: number | null;
  fromFork?: boolean;
  actor?: string | null;
  actorUserId?: string | null;
  webhookDeliveryId?: string | null;
  pushedAt?: Date | null;
  configText: string;
  /** The parsed config, or null when it has errors. */
  config: unknown;
  issues: ConfigIssue[];
}

export interface CreatedRun {
  id: string;
  createdAt: Date;
  number: number;
  status: RunStatus;
}

export async function createRun(db: Db, input: NewRun, now: Date, enqueue: Enqueue): Promise<CreatedRun> {
  const errors = input.issues.filter((i) => i.severity === 'error');
  const status: RunStatus = errors.length > 0 || input.config === null ? 'failed' : 'pending';
  return db.$transaction(async (tx) => {
    const [counter] = await tx.$queryRaw<{ number: number }[]>`
      UPDATE pipelines SET next_run_number = next_run_number + 1, updated_at = now()
       WHERE id = ${input.pipelineId}::uuid RETURNING next_run_number - 1 AS number`;
    if (!counter) throw new Error(`pipeline ${input.pipelineId} does not exist`);
    const run = await tx.pipelineRun.create({
      data: {
        createdAt: now,
        pipelineId: input.pipelineId,
        number: counter.number,
        status,
        trigger: input.trigger,
        priority: TRIGGER_PRIORITY[input.trigger],
        commitSha: input.commitSha,
        commitMessage: input.commitMessage ?? null,
        branch: input.branch ?? null,
        tag: input.tag ?? null,
        prNumber: input.prNumber ?? null,
        fromFork: input.fromFork ?? false,
        actor: input.actor ?? null,
        actorUserId: input.actorUserId ?? null,
        webhookDeliveryId: input.webhookDeliveryId ?? null,
        pushedAt: input.pushedAt ?? null,
        configText: input.configText,
        config: (input.config ?? undefined) as Prisma.InputJsonValue | undefined,
        configErrors: input.issues as unknown as Prisma.InputJsonValue,
        ...(status === 'failed' && { failedAt: now, finishedAt: now }),
      },
      select: { id: true, createdAt: true, number: true, status: true },
    });
    await tx.runEvent.create({
      data: {
        runId: run.id,
        runCreatedAt: run.createdAt,
        kind: 'run.status',
        toStatus: status,
        actor: input.actor ?? 'system',
        actorUserId: input.actorUserId ?? null,
        reason:
          status === 'failed'
            ? `the config has ${errors.length} error${errors.length === 1 ? '' : 's'}`
            : `${input.trigger}${input.branch ? ` on ${input.branch}` : input.tag ? ` of tag ${input.tag}` : ''}`,
        createdAt: now,
      },
    });
    if (status === 'pending') {
      const job: PlanRunJob = { runId: run.id, createdAt: run.createdAt.toISOString() };
      await enqueue(tx, PLAN_RUN_QUEUE, job, { priority: TRIGGER_PRIORITY[input.trigger] });
      await tx.$executeRaw`SELECT pg_notify(${PLAN_CHANNEL}, ${run.id})`;
    }
    return run;
  });
}
