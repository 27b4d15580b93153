// What the deployments page and the CLI read: per environment, what serves
// now and how healthy it is, the rollout under way with its health windows,
// what waits for approval, and the history.
import type { Db } from '../../db/client';
import type { Prisma } from '../../db/generated/client';
import type { DeployConfig } from '../pipeline-config/model';
import { PRODUCTION_ENVIRONMENT } from '../pipeline-config/model';

const include = {
  run: {
    select: { number: true, branch: true, commitMessage: true, actor: true, pipeline: { select: { name: true } } },
  },
  approvals: { include: { user: { select: { email: true } } }, orderBy: { createdAt: 'asc' } },
  healthChecks: { orderBy: { createdAt: 'asc' } },
} satisfies Prisma.DeploymentInclude;

type Row = Prisma.DeploymentGetPayload<{ include: typeof include }>;

function view(d: Row) {
  const config = d.config as unknown as Partial<DeployConfig>;
  return {
    id: d.id,
    environment: d.environment,
    strategy: d.strategy,
    status: d.status,
    statusReason: d.statusReason,
    version: d.version,
    commitSha: d.commitSha,
    trafficPercent: d.trafficPercent,
    runId: d.runId,
    jobId: d.jobId,
    run: d.run && {
      number: d.run.number,
      branch: d.run.branch,
      commitMessage: d.run.commitMessage,
      actor: d.run.actor,
      pipeline: d.run.pipeline.name,
    },
    triggeredBy: d.triggeredBy,
    note: d.note,
    rollbackOfId: d.rollbackOfId,
    previousDeploymentId: d.previousDeploymentId,
    approvalsRequired: d.approvalsRequired,
    selfApproval: config.selfApproval ?? false,
    steps: config.steps ?? [100],
    health: config.health ?? null,
    approvals: d.approvals.map((a) => ({
      email: a.user.email,
      decision: a.decision,
      comment: a.comment,
      createdAt: a.createdAt,
    })),
    healthChecks: d.healthChecks.map((h) => ({
      step: h.step,
      requests: h.requests,
      errorRate: h.errorRate,
      p99Ms: h.p99Ms,
      verdict: h.verdict,
      reason: h.reason,
      source: h.source,
      createdAt: h.createdAt,
    })),
    hasArtifact: d.artifactId !== null,
    createdAt: d.createdAt,
    startedAt: d.startedAt,
    deployedAt: d.deployedAt,
    finishedAt: d.finishedAt,
  };
}

export type DeploymentView = ReturnType<typeof view>;

export interface VersionHealth {
  version: string;
  weight: number;
  instances: number;
  requests: number;
  errorRate: number | null;
  p99Ms: number | null;
}

function environmentOrder(a: string, b: string): number {
  const rank = (e: string) => (e === PRODUCTION_ENVIRONMENT ? 2 : e === 'staging' ? 0 : 1);
  return rank(a) - rank(b) || a.localeCompare(b);
}

export async function deploymentsOverview(db: Db, opts: { historyPerEnvironment?: number } = {}) {
  const take = opts.historyPerEnvironment ?? 25;
  const [names, places] = await Promise.all([
    db.deployment.findMany({ distinct: ['environment'], select: { environment: true } }),
    db.deployEnvironment.findMany(),
  ]);
  const all = [...new Set([...names.map((n) => n.environment), ...places.map((p) => p.name)])].sort(environmentOrder);
  return Promise.all(
    all.map(async (name) => {
      const [history, waiting, serving] = await Promise.all([
        db.deployment.findMany({ where: { environment: name }, include, orderBy: { createdAt: 'desc' }, take }),
        db.deployment.findMany({
          where: { environment: name, status: { in: ['awaiting_approval', 'pending'] } },
          include,
          orderBy: { createdAt: 'asc' },
        }),
        db.deployment.findFirst({
          where: { environment: name, status: 'success' },
          include,
          orderBy: [{ deployedAt: 'desc' }, { createdAt: 'desc' }],
        }),
      ]);
      const active = await db.deployment.findFirst({ where: { environment: name, status: 'in_progress' }, include });
      const place = places.find((p) => p.name === name);
      const health = (place?.health ?? null) as { at: string; windowSeconds: number; versions: VersionHealth[] } | null;
      return {
        name,
        url: place?.url ?? null,
        orchestrator: place?.orchestrator ?? null,
        health,
        serving: serving && view(serving),
        active: active && view(active),
        waiting: waiting.map(view),
        history: history.map(view),
      };
    }),
  );
}

export async function getDeployment(db: Db, id: string) {
  const d = await db.deployment.findUnique({ where: { id }, include });
  if (!d) return null;
  const events = await db.runEvent.findMany({ where: { deploymentId: id }, orderBy: { id: 'asc' } });
  return {
    ...view(d),
    events: events.map((e) => ({
      kind: e.kind,
      fromStatus: e.fromStatus,
      toStatus: e.toStatus,
      actor: e.actor,
      reason: e.reason,
      data: e.data,
      createdAt: e.createdAt,
    })),
  };
}
