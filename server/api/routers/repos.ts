import { z } from 'zod';
import {
  createRepo,
  deleteRepo,
  getRepo,
  listRepos,
  RepoInput,
  RepoUpdate,
  rotateWebhookSecret,
  updateRepo,
} from '../../domain/repo/repos';
import { adminProcedure, protectedProcedure, router } from '../trpc';

const RepoRef = z.object({ id: z.string().trim().min(1) });

export const reposRouter = router({
  list: protectedProcedure.query(({ ctx }) => listRepos(ctx.db)),
  get: protectedProcedure.input(RepoRef).query(({ ctx, input }) => getRepo(ctx.db, input.id)),
  /** Registers a repository; the answer carries its webhook secret, shown this once. */
  create: adminProcedure.input(RepoInput).mutation(({ ctx, input }) => createRepo(ctx.db, ctx.box, input)),
  update: adminProcedure
    .input(RepoRef.extend({ changes: RepoUpdate }))
    .mutation(({ ctx, input }) => updateRepo(ctx.db, input.id, input.changes)),
  delete: adminProcedure.input(RepoRef).mutation(({ ctx, input }) => deleteRepo(ctx.db, input.id)),
  rotateWebhookSecret: adminProcedure
    .input(RepoRef)
    .mutation(async ({ ctx, input }) => ({ webhookSecret: await rotateWebhookSecret(ctx.db, ctx.box, input.id) })),
});
