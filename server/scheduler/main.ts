// The scheduler process: one long-running Node process next to the web
// server; several may run at once without double work. Today it keeps the
// queue (pg-boss, whose timekeeper fires cron schedules here), the partitions,
// turns scheduled ticks into runs, plans runs, watches for lost runners, and
// hosts the deployer (rollouts and the local orchestrator's environments) and
// the queue monitor (autoscaling runners, shedding scheduled runs), and runs
// the daily retention pass (retention-loop.ts).
import path from 'node:path';
import { createPrisma } from '../db/client';
import { transactionalEnqueue } from '../domain/run/enqueue';
import { syncSchedule } from '../domain/run/schedules';
import { dataDir, deployPorts, publicUrl, serverEnv } from '../env';
import { startDeployer } from '../deploy/deployer';
import { LocalOrchestrator } from '../deploy/local/local-orchestrator';
import { metricsSourceFromEnv } from '../deploy/metrics/source-from-env';
import { Mirrors } from '../git/mirrors';
import { createLogger } from '../log';
import { watchParent } from '../ops/watch-parent';
import { createBoss } from '../queue/boss';
import { purgeExpiredArtifacts } from '../domain/artifact/artifacts';
import { S3ObjectStore } from '../storage/s3-object-store';
import { createObjectStore } from '../storage/store-from-env';
import { ARTIFACT_PURGE_INTERVAL_MS, ensurePartitionsAhead, PARTITION_CHECK_INTERVAL_MS } from './maintenance';
import { fireScheduledRuns } from './scheduled-runs';
import { startPlanner } from './planner';
import { startQueueBackPressure } from './queue-back-pressure';
import { startRetention } from './retention-loop';
import { sweepLostAttempts } from './watchdog';

const SCHEDULE_POLL_MS = 5_000;

const env = serverEnv();
const log = createLogger({ proc: 'scheduler', level: env.LOG_LEVEL });
if (!env.DATABASE_URL) {
  log.fatal('DATABASE_URL is not set (start the scheduler with `npm start`, or set DATABASE_URL)');
  process.exit(1);
}

const db = createPrisma(env.DATABASE_URL, { max: 5 });
const boss = createBoss(env.DATABASE_URL);
boss.on('error', (err) => log.error({ err }, 'queue error'));
await boss.start();

const deps = {
  db,
  boss,
  log,
  mirrors: new Mirrors(path.join(dataDir(env), 'mirrors')),
  enqueue: transactionalEnqueue(boss),
  syncSchedule: (pipelineId: string, cron: string | null) => syncSchedule(db, boss, pipelineId, cron),
  now: () => new Date(),
};

const planner = await startPlanner({ ...deps, url: env.DATABASE_URL });
const backPressure = await startQueueBackPressure({ env, db, url: env.DATABASE_URL, log });

const partitions = () =>
  ensurePartitionsAhead(db, env.PARTITION_MONTHS_AHEAD, log).catch((err) =>
    log.error({ err }, 'partition upkeep failed'),
  );
await partitions();

const objects = createObjectStore(env);
if (objects instanceof S3ObjectStore) await objects.ensureBucket();
const purgeArtifacts = () =>
  purgeExpiredArtifacts(db, objects, new Date())
    .then((purged) => purged > 0 && log.info({ purged }, 'expired artifacts purged'))
    .catch((err) => log.error({ err }, 'artifact purge failed'));
void purgeArtifacts();
const retention = startRetention({
  url: env.DATABASE_URL,
  objects,
  log,
  retentionDays: env.RETENTION_DAYS,
  mode: env.RETENTION_MODE,
  monthsAhead: env.PARTITION_MONTHS_AHEAD,
  now: () => new Date(),
});

const orchestrator = new LocalOrchestrator({
  dataDir: dataDir(env),
  ports: deployPorts(env),
  host: env.DEPLOY_HOST ?? new URL(publicUrl(env)).hostname,
  log,
});
const deployer = await startDeployer({
  ...deps,
  url: env.DATABASE_URL,
  orchestrator,
  metrics: metricsSourceFromEnv(env, orchestrator),
  objects,
  leaseMs: 30_000,
  probePerSecond: env.DEPLOY_PROBE_RPS,
});

const timers = [
  setInterval(partitions, PARTITION_CHECK_INTERVAL_MS),
  setInterval(purgeArtifacts, ARTIFACT_PURGE_INTERVAL_MS),
  setInterval(
    () => void fireScheduledRuns(deps).catch((err) => log.error({ err }, 'schedule pass failed')),
    SCHEDULE_POLL_MS,
  ),
  setInterval(
    () =>
      void sweepLostAttempts(deps, {
        lostAfterMs: env.RUNNER_LOST_AFTER_SECONDS * 1000,
        maxLostRequeues: env.MAX_LOST_REQUEUES,
        backoffBaseMs: 2_000,
      }).catch((err) => log.error({ err }, 'watchdog sweep failed')),
    env.WATCHDOG_INTERVAL_SECONDS * 1000,
  ),
];
log.info('scheduler ready');

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'scheduler stopping');
  timers.forEach(clearInterval);
  await planner.stop();
  await backPressure.stop().catch((err) => log.error({ err }, 'queue monitor stop failed'));
  await retention.stop();
  await deployer.stop().catch((err) => log.error({ err }, 'deployer stop failed'));
  await boss.stop({ graceful: true, wait: true, timeout: 5_000 }).catch(() => undefined);
  await db.$disconnect();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
watchParent(() => void stop('parent exited'));
