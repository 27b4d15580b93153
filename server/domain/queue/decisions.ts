// The queue monitor's decisions as stored for the runners page: when, which
// pool, what kind, the figures and what was done (detail), and why in words.
import type { DbTx } from '../../db/client';
import type { Prisma } from '../../db/generated/client';

export interface NewQueueDecision {
  at: Date;
  pool: string;
  /** scale_up | scale_down | shed | calm */
  kind: string;
  detail: Record<string, unknown>;
  reason: string;
}

export async function recordQueueDecision(db: DbTx, d: NewQueueDecision): Promise<void> {
  await db.queueDecision.create({
    data: { at: d.at, pool: d.pool, kind: d.kind, detail: d.detail as Prisma.InputJsonValue, reason: d.reason },
  });
}

/** The newest decisions first. */
export async function recentQueueDecisions(db: DbTx, limit: number) {
  const rows = await db.queueDecision.findMany({ orderBy: [{ at: 'desc' }, { id: 'desc' }], take: limit });
  return rows.map((r) => ({ ...r, id: r.id.toString() }));
}
