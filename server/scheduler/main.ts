// The scheduler process: one long-running Node process next to the web
// server. Several may run at once. Today it keeps the queue (pg-boss) and the
// partitions ready; planning runs and advancing DAGs build on this loop.
import { createPrisma } from '../db/client';
import { serverEnv } from '../env';
import { createLogger } from '../log';
import { createBoss } from '../queue/boss';
import { ensurePartitionsAhead, PARTITION_CHECK_INTERVAL_MS } from './maintenance';
import { watchParent } from '../ops/watch-parent';

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

const tick = () =>
  ensurePartitionsAhead(db, env.PARTITION_MONTHS_AHEAD, log).catch((err) =>
    log.error({ err }, 'partition upkeep failed'),
  );
await tick();
const timer = setInterval(tick, PARTITION_CHECK_INTERVAL_MS);
log.info('scheduler ready');

let stopping = false;
async function stop(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'scheduler stopping');
  clearInterval(timer);
  await boss.stop({ graceful: true, wait: true, timeout: 5_000 }).catch(() => undefined);
  await db.$disconnect();
  process.exit(0);
}
process.on('SIGTERM', () => void stop('SIGTERM'));
process.on('SIGINT', () => void stop('SIGINT'));
watchParent(() => void stop('parent exited'));
