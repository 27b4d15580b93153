// One deployment from start to end: prepare the release, walk the strategy's
// steps (apply a target, watch health for a window, decide), and on a breach,
// a failure to start, or a cancelled run, put the previous version back on all
// traffic. Every step and window is recorded; the decisions themselves are
// the pure functions of health-analysis, rollout-decision and strategy-plan.
import type { Db } from '../db/client';
import type { Deployment, Prisma } from '../db/generated/client';
import {
  finishDeployment,
  recordHealth,
  recordStep,
  renewLease,
  rolloutCancelled,
  type RolloutOutcome,
} from '../domain/deployment/rollout-records';
import type { DeployConfig } from '../domain/pipeline-config/model';
import type { Enqueue } from '../domain/run/enqueue';
import type { ObjectStore } from '../storage/object-store';
import { analyzeHealth, DEFAULT_MIN_REQUESTS, type HealthResult } from './health-analysis';
import type { MetricsSource } from './metrics/metrics-source';
import { OrchestratorError, type Orchestrator, type ReleaseSpec } from './orchestrator';
import { apply as applyDecision, decide, MAX_INCONCLUSIVE, type RolloutState } from './rollout-decision';
import { planRollout } from './strategy-plan';

export interface RolloutDeps {
  db: Db;
  enqueue: Enqueue;
  orchestrator: Orchestrator;
  metrics: MetricsSource;
  objects: ObjectStore;
  now: () => Date;
  log: { info(o: object, msg: string): void; warn(o: object, msg: string): void };
  /** How long a lease lasts; renewed at a third of it. */
  leaseMs: number;
  /** Synthetic requests per second sent to the new version during each window, so a quiet app can be judged. */
  probePerSecond: number;
  minRequests?: number;
  maxInconclusive?: number;
}

class RolloutStopped extends Error {}

/** The release of a deployment: its artifact from the object store, under its version label. */
export async function releaseOf(
  deps: Pick<RolloutDeps, 'db' | 'objects'>,
  dep: Deployment,
): Promise<ReleaseSpec | string> {
  const config = dep.config as unknown as DeployConfig;
  if (!dep.artifactId) return `the run produced no artifact named '${config.artifact}' for this deploy`;
  const artifact = await deps.db.artifact.findUnique({ where: { id: dep.artifactId } });
  if (!artifact) return `the artifact '${config.artifact}' is gone (expired or deleted)`;
  return {
    version: dep.version ?? dep.id,
    commitSha: dep.commitSha,
    start: config.start ?? null,
    artifact: {
      name: artifact.name,
      sha256: artifact.sha256,
      sizeBytes: Number(artifact.sizeBytes),
      open: async () => {
        const stream = await deps.objects.getStream(artifact.storageKey);
        if (!stream) throw new OrchestratorError(`the artifact '${artifact.name}' is missing from the object store`);
        return stream;
      },
    },
  };
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

function short(version: string): string {
  return version.slice(0, 8);
}

export async function runRollout(deps: RolloutDeps, dep: Deployment): Promise<RolloutOutcome> {
  const config = dep.config as unknown as DeployConfig;
  const env = dep.environment;
  const next = dep.version ?? dep.id;
  const lease = setInterval(
    () => void renewLease(deps.db, dep.id, new Date(deps.now().getTime() + deps.leaseMs)).catch(() => undefined),
    Math.max(250, deps.leaseMs / 3),
  );
  const finish = async (outcome: RolloutOutcome, reason: string, data?: Prisma.InputJsonValue) => {
    deps.log.info({ deployment: dep.id, environment: env, outcome, reason }, 'rollout finished');
    await finishDeployment(deps.db, deps.enqueue, dep, outcome, reason, deps.now(), data);
    return outcome;
  };
  try {
    const previous = dep.previousDeploymentId
      ? await deps.db.deployment.findUnique({ where: { id: dep.previousDeploymentId } })
      : null;
    const current = previous?.version ?? null;
    const release = await releaseOf(deps, dep);
    if (typeof release === 'string') return await finish('failed', release);
    try {
      await deps.orchestrator.prepare(env, release);
    } catch (err) {
      return await finish('failed', `could not prepare the release: ${(err as Error).message}`);
    }
    const plan = planRollout({
      strategy: dep.strategy,
      steps: config.steps,
      instances: config.instances,
      current: current && deps.orchestrator.state(env)?.instances.some((i) => i.version === current) ? current : null,
      next,
      fast: dep.rollbackOfId !== null,
    });
    const rollBack = async (outcome: RolloutOutcome, reason: string, data?: Prisma.InputJsonValue) => {
      const back = plan.rollback ?? { instances: {}, weights: {} };
      try {
        await deps.orchestrator.apply(env, back);
      } catch (err) {
        return finish('failed', `${reason}; and going back failed too: ${(err as Error).message}`, data);
      }
      const where = plan.rollback
        ? `${short(current!)} (${previous!.commitSha.slice(0, 7)}) serves all traffic again`
        : 'nothing served before, so the environment is stopped';
      return finish(outcome === 'rolled_back' && !plan.rollback ? 'failed' : outcome, `${reason}; ${where}`, data);
    };

    let state: RolloutState = { steps: plan.steps.map((s) => s.percent), step: 0, inconclusive: 0 };
    for (const [i, step] of plan.steps.entries()) {
      state = { ...state, step: i, inconclusive: 0 };
      if (await rolloutCancelled(deps.db, dep)) return await rollBack('cancelled', 'the run was cancelled');
      try {
        await deps.orchestrator.apply(env, step.target);
      } catch (err) {
        return await rollBack('failed', `could not roll out at ${step.percent} %: ${(err as Error).message}`);
      }
      await recordStep(deps.db, dep, step.percent, `${step.percent} % of traffic on ${short(next)}`, deps.now());
      if (!step.analyze) continue;
      for (;;) {
        let result: HealthResult;
        try {
          result = await watchWindow(deps, dep, config, next);
        } catch (err) {
          if (err instanceof RolloutStopped) return await rollBack('cancelled', 'the run was cancelled');
          throw err;
        }
        await recordHealth(deps.db, dep, step.percent, result, deps.metrics.name, deps.now());
        const decision = decide(state, result, deps.maxInconclusive ?? MAX_INCONCLUSIVE);
        deps.log.info({ deployment: dep.id, decision: decision.kind, reason: decision.reason }, 'health window');
        if (decision.kind === 'rollback') {
          return await rollBack('rolled_back', decision.reason, {
            requests: result.requests,
            errorRate: result.errorRate,
            p99Ms: result.p99Ms,
            percent: step.percent,
          });
        }
        if (decision.kind !== 'wait') break;
        state = applyDecision(state, decision);
      }
    }
    try {
      await deps.orchestrator.apply(env, plan.final);
    } catch (err) {
      deps.log.warn({ err, deployment: dep.id }, 'could not stop the old version');
    }
    const how = dep.rollbackOfId ? 'rolled back' : 'healthy';
    return await finish('success', `${how}: ${short(next)} (${dep.commitSha.slice(0, 7)}) serves all traffic`);
  } finally {
    clearInterval(lease);
  }
}

/** One analysis window: synthetic traffic on, the figures read at the end. Cancellation ends it early. */
async function watchWindow(
  deps: RolloutDeps,
  dep: Deployment,
  config: DeployConfig,
  version: string,
): Promise<HealthResult> {
  const stopProbe =
    deps.probePerSecond > 0 ? deps.orchestrator.probe(dep.environment, version, '/', deps.probePerSecond) : () => {};
  try {
    const window = await deps.metrics.startWindow(dep.environment, version);
    const end = Date.now() + config.health.windowSeconds * 1000;
    while (Date.now() < end) {
      await sleep(Math.min(1000, end - Date.now()));
      if (await rolloutCancelled(deps.db, dep)) throw new RolloutStopped();
    }
    stopProbe();
    try {
      const stats = await window.read();
      return analyzeHealth(stats, config.health, deps.minRequests ?? DEFAULT_MIN_REQUESTS);
    } catch (err) {
      return {
        verdict: 'inconclusive',
        errorRate: null,
        p99Ms: null,
        requests: 0,
        reasons: [`the ${deps.metrics.name} figures could not be read: ${(err as Error).message}`],
      };
    }
  } finally {
    stopProbe();
  }
}
