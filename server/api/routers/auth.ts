import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { ROLE_DESCRIPTIONS } from '../../domain/auth/roles';
import { createApiToken } from '../../domain/user/api-tokens';
import { authenticate } from '../../domain/user/users';
import { protectedProcedure, publicProcedure, router } from '../trpc';

export const authRouter = router({
  /** The caller: a person, a runner, or nobody. */
  me: publicProcedure.query(({ ctx }) => ({
    user: ctx.user && { ...ctx.user, roleDescription: ROLE_DESCRIPTIONS[ctx.user.role] },
    runner: ctx.runner,
  })),

  /** `switchyard login`: trades a password for a new API token. */
  login: publicProcedure
    .input(z.object({ email: z.string().email(), password: z.string().min(1), tokenName: z.string().min(1).max(100) }))
    .mutation(async ({ ctx, input }) => {
      const user = await authenticate(ctx.db, input.email, input.password);
      if (!user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong email or password' });
      const token = await createApiToken(ctx.db, user.id, { name: input.tokenName }, ctx.now());
      return { token: token.token, user };
    }),

  whoami: protectedProcedure.query(({ ctx }) => ctx.user),
});
