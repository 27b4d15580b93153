// Wires the queue monitor and the local autoscaler into the scheduler from
// the environment: thresholds, the autoscaler (off when
// AUTOSCALE_MAX_RUNNERS is 0), shedding. Stopping it stops the monitor and
// every runner the autoscaler started.
import path from 'node:path';
import type { Db } from '../db/client';
import { AUTOSCALED_DESCRIPTION } from '../domain/queue/overview';
import { pressureConfig } from '../domain/queue/config';
import { createRegistrationToken } from '../domain/runner/registration';
import { dataDir, publicUrl, type ServerEnv } from '../env';
import type { Logger } from '../log';
import type { Autoscaler } from './autoscaler';
import { LocalAutoscaler } from './local-autoscaler';
import { startQueueMonitor, type QueueMonitor } from './queue-monitor';

/** A one-use registration token that marks its runner as autoscaled. */
export function autoscaledRegistration(db: Db, pool: string) {
  return async () =>
    (
      await createRegistrationToken(
        db,
        { description: AUTOSCALED_DESCRIPTION, pool, maxUses: 1, expiresInHours: 1 },
        new Date(),
      )
    ).token;
}

export interface QueueBackPressure {
  monitor: QueueMonitor;
  autoscaler: Autoscaler | null;
  stop(): Promise<void>;
}

export async function startQueueBackPressure(o: {
  env: ServerEnv;
  db: Db;
  url: string;
  log: Logger;
}): Promise<QueueBackPressure> {
  const { env } = o;
  const autoscaler =
    env.AUTOSCALE_MAX_RUNNERS > 0
      ? new LocalAutoscaler({
          pool: env.AUTOSCALE_POOL,
          max: env.AUTOSCALE_MAX_RUNNERS,
          serverUrl: publicUrl(env),
          stateDir: path.join(dataDir(env), 'autoscale'),
          registrationToken: autoscaledRegistration(o.db, env.AUTOSCALE_POOL),
          log: o.log,
          env: { LOG_LEVEL: env.LOG_LEVEL },
        })
      : null;
  const monitor = await startQueueMonitor({
    db: o.db,
    url: o.url,
    log: o.log,
    now: () => new Date(),
    intervalMs: env.QUEUE_MONITOR_INTERVAL_SECONDS * 1000,
    config: pressureConfig(env),
    shedAction: env.QUEUE_SHED_ACTION,
    deferSeconds: env.QUEUE_SHED_DEFER_SECONDS,
    autoscaler,
  });
  return {
    monitor,
    autoscaler,
    async stop() {
      await monitor.stop();
      await autoscaler?.close();
    },
  };
}
