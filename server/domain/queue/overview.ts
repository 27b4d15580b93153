// The runners page's "Queue pressure" section: depth and oldest wait per pool
// and priority right now, the thresholds in force, the autoscaled runners
// (marked by the registration token they joined with) and the monitor's
// recent decisions. Read from the database, so any web process shows what
// the scheduler holding the monitor's lock did.
import type { DbTx } from '../../db/client';
import { listRunners } from '../runner/registration';
import { recentQueueDecisions } from './decisions';
import { readQueueDepth } from './depth';
import type { PressureConfig } from './pressure';

/** The registration-token description that marks a runner as autoscaled. */
export const AUTOSCALED_DESCRIPTION = 'autoscaler';

const DECISIONS_SHOWN = 30;

export async function queuePressureOverview(
  db: DbTx,
  now: Date,
  config: PressureConfig & { autoscalePool: string; shedAction: string },
) {
  const [queues, runners, marked, running, decisions] = await Promise.all([
    readQueueDepth(db, now),
    listRunners(db, now),
    db.runner.findMany({
      where: { registrationToken: { description: AUTOSCALED_DESCRIPTION } },
      select: { id: true },
    }),
    db.job.findMany({
      where: { status: 'running', runner: { registrationToken: { description: AUTOSCALED_DESCRIPTION } } },
      select: { runnerId: true, name: true },
    }),
    recentQueueDecisions(db, DECISIONS_SHOWN),
  ]);
  const ids = new Set(marked.map((r) => r.id));
  return {
    config,
    queues,
    autoscaled: runners
      .filter((r) => ids.has(r.id))
      .map((r) => ({
        id: r.id,
        name: r.name,
        pool: r.pool,
        online: r.online,
        lastSeenAt: r.lastSeenAt,
        running: running.filter((j) => j.runnerId === r.id).map((j) => j.name),
      })),
    decisions,
  };
}
