// The runs overview: newest first, filtered, paginated by a keyset cursor
// (created_at, id) so pages stay stable while new runs arrive.
import { z } from 'zod';
import type { DbTx } from '../../db/client';
import type { Prisma } from '../../db/generated/client';

export const RunFilter = z.object({
  repo: z.string().optional(),
  branch: z.string().optional(),
  status: z.enum(['pending', 'running', 'success', 'failed', 'cancelled']).optional(),
  trigger: z.enum(['push', 'pr', 'manual', 'schedule']).optional(),
  limit: z.number().int().min(1).max(100).default(25),
  /** The last run of the previous page: `<created_at ISO>_<id>`. */
  cursor: z.string().optional(),
});
export type RunFilter = z.input<typeof RunFilter>;

function parseCursor(cursor: string | undefined): { createdAt: Date; id: string } | undefined {
  if (!cursor) return undefined;
  const [iso, id] = cursor.split('_');
  const createdAt = new Date(iso ?? '');
  if (!id || Number.isNaN(createdAt.getTime())) return undefined;
  return { createdAt, id };
}

export async function listRuns(db: DbTx, raw: RunFilter) {
  const f = RunFilter.parse(raw);
  const after = parseCursor(f.cursor);
  const where: Prisma.PipelineRunWhereInput = {
    ...(f.status && { status: f.status }),
    ...(f.trigger && { trigger: f.trigger }),
    ...(f.branch && { branch: f.branch }),
    ...(f.repo && { pipeline: { repo: { name: f.repo } } }),
    ...(after && {
      OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }],
    }),
  };
  const rows = await db.pipelineRun.findMany({
    where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: f.limit + 1,
    select: {
      id: true,
      number: true,
      status: true,
      trigger: true,
      commitSha: true,
      commitMessage: true,
      branch: true,
      tag: true,
      prNumber: true,
      actor: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      pipeline: { select: { name: true, repo: { select: { name: true } } } },
    },
  });
  const page = rows.slice(0, f.limit);
  const last = page[page.length - 1];
  return {
    runs: page.map(({ pipeline, ...r }) => ({ ...r, repo: pipeline.repo.name, pipeline: pipeline.name })),
    nextCursor: rows.length > f.limit && last ? `${last.createdAt.toISOString()}_${last.id}` : null,
  };
}
