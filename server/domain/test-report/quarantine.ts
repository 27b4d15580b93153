// Quarantine by people: a quarantined test's failure alone no longer fails
// its job (see quarantine-verdict.ts). Who, when and why stay on the test
// case; a release records who released it, which keeps automatic quarantine
// from putting it straight back.
import { z } from 'zod';
import type { Db } from '../../db/client';
import { Conflict, NotFound } from '../errors';

export const QuarantineRequest = z.object({
  id: z.string().uuid(),
  reason: z.string().trim().min(3, 'say why, in a few words').max(500),
});
export type QuarantineRequest = z.infer<typeof QuarantineRequest>;

async function exists(db: Db, id: string): Promise<void> {
  if (!(await db.testCase.findUnique({ where: { id }, select: { id: true } }))) throw new NotFound(`Test ${id}`);
}

export async function quarantineTest(db: Db, req: QuarantineRequest, actor: string, now: Date) {
  const { count } = await db.testCase.updateMany({
    where: { id: req.id, quarantinedAt: null },
    data: { quarantinedAt: now, quarantinedBy: actor, quarantineReason: req.reason },
  });
  if (count === 0) {
    await exists(db, req.id);
    throw new Conflict('This test is already quarantined');
  }
  return db.testCase.findUniqueOrThrow({ where: { id: req.id }, select: { id: true, quarantinedAt: true } });
}

export async function releaseTest(db: Db, id: string, actor: string, now: Date) {
  const { count } = await db.testCase.updateMany({
    where: { id, quarantinedAt: { not: null } },
    data: { quarantinedAt: null, quarantinedBy: null, quarantineReason: null, releasedAt: now, releasedBy: actor },
  });
  if (count === 0) {
    await exists(db, id);
    throw new Conflict('This test is not quarantined');
  }
  return db.testCase.findUniqueOrThrow({ where: { id }, select: { id: true, releasedAt: true } });
}
