import { z } from 'zod';
import { createApiToken, listApiTokens, revokeApiToken } from '../../domain/user/api-tokens';
import { protectedProcedure, router } from '../trpc';

/** A person's own API tokens. */
export const tokensRouter = router({
  list: protectedProcedure.query(({ ctx }) => listApiTokens(ctx.db, ctx.user.id)),
  create: protectedProcedure
    .input(
      z.object({
        name: z.string().trim().min(1).max(100),
        expiresInDays: z.number().int().min(1).max(3650).optional(),
      }),
    )
    .mutation(({ ctx, input }) => createApiToken(ctx.db, ctx.user.id, input, ctx.now())),
  revoke: protectedProcedure
    .input(z.object({ id: z.string().uuid() }))
    .mutation(({ ctx, input }) => revokeApiToken(ctx.db, ctx.user.id, input.id, ctx.now())),
});
