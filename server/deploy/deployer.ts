// The deployer: the scheduler's rollout loop. One scheduler at a time hosts
// it (a session advisory lock, since the local orchestrator's proxies and
// instances live in that process); the others wait to take over. On start it
// brings every environment back to the version it served and fails rollouts
// whose owner died mid-way. Then it takes pending deployments as soon as
// their environment is free (woken by NOTIFY, with a poll behind it), runs
// each rollout, and keeps each environment's health-right-now figures.
import pg from 'pg';
import type { Deployment, Prisma } from '../db/generated/client';
import { servingDeployment } from '../domain/deployment/request';
import { finishDeployment, staleRollouts, takeNextDeployment } from '../domain/deployment/rollout-records';
import { DEPLOYS_CHANNEL } from '../domain/deployment/transitions';
import type { DeployConfig } from '../domain/pipeline-config/model';
import { windowStats, type VersionCounts } from './metrics/version-metrics';
import { releaseOf, runRollout, type RolloutDeps } from './rollout';

export interface DeployerOptions extends RolloutDeps {
  /** Database URL for the LISTEN connection that also holds the deployer lock. */
  url: string;
  pollMs?: number;
  /** How often the health-right-now figures are written. */
  healthEveryMs?: number;
  log: RolloutDeps['log'] & { error(o: object, msg: string): void };
}

export interface Deployer {
  /** Whether this process hosts the deployer now. */
  readonly active: boolean;
  /** Rollouts running here. */
  running(): number;
  stop(): Promise<void>;
}

const LOCK_KEY = 'switchyard.deployer';
/** Health right now is judged over this many seconds. */
export const HEALTH_NOW_SECONDS = 60;
const SERIES_POINTS = 120;

export async function startDeployer(deps: DeployerOptions): Promise<Deployer> {
  const pollMs = deps.pollMs ?? 1_000;
  const healthEveryMs = deps.healthEveryMs ?? 5_000;
  const rollouts = new Map<string, Promise<unknown>>();
  const history = new Map<string, { at: number; counts: Map<string, VersionCounts> }[]>();
  let active = false;
  let stopped = false;
  let ticking: Promise<void> | null = null;
  let again = false;

  const client = new pg.Client({ connectionString: deps.url, application_name: 'switchyard-deployer' });
  client.on('notification', () => void tick());
  client.on('error', (err) => deps.log.warn({ err: err.message }, 'deployer connection lost'));
  await client.connect();
  await client.query(`LISTEN ${DEPLOYS_CHANNEL}`);

  async function takeLock(): Promise<boolean> {
    const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [LOCK_KEY]);
    return r.rows[0]?.ok === true;
  }

  /** Brings an environment back to what it served (after a restart, or when a rollout's owner died). */
  async function restore(environment: string) {
    const serving = await servingDeployment(deps.db, environment);
    if (!serving) {
      await deps.orchestrator.apply(environment, { instances: {}, weights: {} }).catch(() => undefined);
      return;
    }
    const release = await releaseOf(deps, serving);
    if (typeof release === 'string') {
      deps.log.warn({ environment, reason: release }, 'cannot restore the serving version');
      return;
    }
    const version = release.version;
    const instances = (serving.config as unknown as DeployConfig).instances ?? 1;
    await deps.orchestrator.prepare(environment, release);
    await deps.orchestrator.apply(environment, { instances: { [version]: instances }, weights: { [version]: 100 } });
    deps.log.info({ environment, version }, 'environment restored');
  }

  async function recoverStale() {
    for (const dep of await staleRollouts(deps.db, deps.now())) {
      if (rollouts.has(dep.id)) continue;
      await finishDeployment(
        deps.db,
        deps.enqueue,
        dep,
        'failed',
        'the scheduler running this rollout stopped; the environment went back to the version it served',
        deps.now(),
      );
      await restore(dep.environment).catch((err) =>
        deps.log.error({ err, environment: dep.environment }, 'restoring the environment failed'),
      );
    }
  }

  async function start() {
    const environments = await deps.db.deployment.findMany({
      where: { status: 'success' },
      distinct: ['environment'],
      select: { environment: true },
    });
    for (const { environment } of environments) {
      await restore(environment).catch((err) =>
        deps.log.error({ err, environment }, 'restoring the environment failed'),
      );
    }
    // Rollouts left in progress by a process that held the lock before us cannot continue.
    await deps.db.deployment.updateMany({
      where: { status: 'in_progress' },
      data: { leaseExpiresAt: new Date(0) },
    });
    await recoverStale();
  }

  async function launch(dep: Deployment) {
    if (dep.rollbackOfId) {
      // A rollback to a version whose instances still run (blue-green's other colour) reuses them.
      const target = await deps.db.deployment.findUnique({
        where: { id: dep.rollbackOfId },
        select: { version: true },
      });
      const running = deps.orchestrator.state(dep.environment)?.instances.some((i) => i.version === target?.version);
      if (target?.version && running) {
        dep = await deps.db.deployment.update({ where: { id: dep.id }, data: { version: target.version } });
      }
    }
    deps.log.info({ deployment: dep.id, environment: dep.environment, strategy: dep.strategy }, 'rollout started');
    const p = runRollout(deps, dep)
      .catch((err) => deps.log.error({ err, deployment: dep.id }, 'rollout crashed'))
      .finally(() => {
        rollouts.delete(dep.id);
        void tick();
      });
    rollouts.set(dep.id, p);
  }

  async function pass() {
    if (!active) {
      if (!(await takeLock())) return;
      active = true;
      deps.log.info({}, 'deployer active');
      await start();
    }
    await recoverStale();
    for (;;) {
      const dep = await takeNextDeployment(deps.db, deps.now(), deps.leaseMs);
      if (!dep) break;
      await launch(dep);
    }
  }

  function tick(): Promise<void> {
    if (stopped) return Promise.resolve();
    if (ticking) {
      again = true;
      return ticking;
    }
    ticking = (async () => {
      do {
        again = false;
        await pass().catch((err) => deps.log.error({ err }, 'deployer pass failed'));
      } while (again && !stopped);
    })().finally(() => {
      ticking = null;
    });
    return ticking;
  }

  async function writeHealth() {
    if (!active) return;
    const now = Date.now();
    const environments = await deps.db.deployment.findMany({
      where: { status: { in: ['success', 'in_progress'] } },
      distinct: ['environment'],
      select: { environment: true },
    });
    for (const { environment } of environments) {
      const state = deps.orchestrator.state(environment);
      if (!state) continue;
      const versions = [...new Set(state.instances.map((i) => i.version))];
      const counts = new Map<string, VersionCounts>();
      for (const v of versions) {
        const c = deps.orchestrator.counts(environment, v);
        if (c) counts.set(v, c);
      }
      const past = history.get(environment) ?? [];
      past.push({ at: now, counts });
      while (past.length > SERIES_POINTS) past.shift();
      history.set(environment, past);
      const base = past.find((p) => p.at >= now - HEALTH_NOW_SECONDS * 1000) ?? past[0]!;
      const figures = versions.map((version) => {
        const stats = windowStats(base.counts.get(version), counts.get(version) ?? base.counts.get(version)!);
        return {
          version,
          weight: state.weights[version] ?? 0,
          instances: state.instances.filter((i) => i.version === version).length,
          requests: stats.requests,
          errorRate: stats.requests > 0 ? stats.errors / stats.requests : null,
          p99Ms: stats.p99Ms,
        };
      });
      const health = {
        at: new Date(now).toISOString(),
        windowSeconds: Math.round((now - base.at) / 1000),
        versions: figures,
      } as unknown as Prisma.InputJsonValue;
      await deps.db.deployEnvironment.upsert({
        where: { name: environment },
        create: {
          name: environment,
          orchestrator: deps.orchestrator.kind,
          url: state.url,
          health,
          updatedAt: new Date(now),
        },
        update: { orchestrator: deps.orchestrator.kind, url: state.url, health, updatedAt: new Date(now) },
      });
    }
  }

  const timers = [
    setInterval(() => void tick(), pollMs),
    setInterval(
      () => void writeHealth().catch((err) => deps.log.warn({ err }, 'health figures failed')),
      healthEveryMs,
    ),
  ];
  await tick();

  return {
    get active() {
      return active;
    },
    running: () => rollouts.size,
    async stop() {
      stopped = true;
      timers.forEach(clearInterval);
      await ticking;
      for (const id of rollouts.keys()) {
        const dep = await deps.db.deployment.findUnique({ where: { id } });
        if (dep?.status === 'in_progress') {
          await finishDeployment(
            deps.db,
            deps.enqueue,
            dep,
            'failed',
            'the scheduler stopped during the rollout',
            deps.now(),
          ).catch(() => undefined);
        }
      }
      await deps.orchestrator.close();
      await client.end().catch(() => undefined);
    },
  };
}
