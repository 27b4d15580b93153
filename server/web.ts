// The web process's long-lived services, created on first use.
import path from 'node:path';
import type PgBoss from 'pg-boss';
import type { Services } from './api/trpc';
import { webPrisma } from './db/client';
import { createSecretBox } from './domain/auth/secret-box';
import { transactionalEnqueue } from './domain/run/enqueue';
import { syncSchedule } from './domain/run/schedules';
import { dataDir, serverEnv, storageLimits } from './env';
import { Mirrors } from './git/mirrors';
import { createLogger } from './log';
import { createBoss } from './queue/boss';
import { claimWithWait } from './dispatch/claim-with-wait';
import { JobListener } from './dispatch/job-listener';
import { LogStore } from './storage/log-store';
import { objectStore } from './storage/store-from-env';
import { LIVE_CHANNELS, NotificationHub } from './live/notification-hub';

export type WebServices = Services;

let services: WebServices | undefined;
let boss: Promise<PgBoss> | undefined;

export function webServices(): WebServices {
  if (!services) {
    const env = serverEnv();
    if (!env.AUTH_SECRET) throw new Error('AUTH_SECRET is not set (npm start generates one under DATA_DIR).');
    const log = createLogger({ proc: 'web', level: env.LOG_LEVEL });
    // The web process only sends: no maintenance, no schedules, a small pool.
    const startBoss = () => {
      boss ??= (async () => {
        const b = createBoss(env.DATABASE_URL!, { supervise: false, schedule: false, max: 2 });
        b.on('error', (err) => log.error({ err }, 'queue error'));
        return b.start();
      })();
      return boss;
    };
    const db = webPrisma(env.DATABASE_URL);
    const objects = objectStore();
    services = {
      db,
      box: createSecretBox(env.AUTH_SECRET),
      log,
      mirrors: new Mirrors(path.join(dataDir(env), 'mirrors')),
      enqueue: async (tx, queue, data, options) => transactionalEnqueue(await startBoss())(tx, queue, data, options),
      syncSchedule: async (pipelineId, cron) => syncSchedule(db, await startBoss(), pipelineId, cron),
      reservedSlots: env.QUEUE_RESERVED_SLOTS,
      claim: claimWithWait(
        db,
        startBoss,
        new JobListener(env.DATABASE_URL!, log),
        () => new Date(),
        env.QUEUE_RESERVED_SLOTS,
      ),
      logs: new LogStore(objects),
      objects,
      live: new NotificationHub(env.DATABASE_URL!, LIVE_CHANNELS, log),
      limits: storageLimits(env),
      flaky: { rate: env.FLAKY_AUTO_QUARANTINE_RATE, minRuns: env.FLAKY_AUTO_QUARANTINE_MIN_RUNS },
      now: () => new Date(),
    };
  }
  return services;
}
