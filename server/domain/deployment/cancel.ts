// A cancelled run takes its deployments with it: waiting ones end at once; one
// rolling out is rolled back by the deployer at its next check, which sees the
// job cancelled.
import type { DbTx } from '../../db/client';
import type { Actor } from '../job/transitions';
import { transitionDeployment } from './transitions';

export async function cancelWaitingDeployments(tx: DbTx, jobIds: string[], who: Actor, now: Date): Promise<number> {
  if (jobIds.length === 0) return 0;
  const waiting = await tx.deployment.findMany({
    where: { jobId: { in: jobIds }, status: { in: ['awaiting_approval', 'pending'] } },
    select: { id: true },
  });
  let n = 0;
  for (const d of waiting) {
    if (
      await transitionDeployment(
        tx,
        d.id,
        'cancelled',
        { finishedAt: now },
        { ...who, reason: `run cancelled by ${who.actor}` },
        now,
        {
          from: ['awaiting_approval', 'pending'],
        },
      )
    )
      n++;
  }
  return n;
}
