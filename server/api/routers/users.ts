import { z } from 'zod';
import { ROLES } from '../../domain/auth/roles';
import { createUser, listUsers, setRole } from '../../domain/user/users';
import { adminProcedure, router } from '../trpc';

/** People and their roles (admins). */
export const usersRouter = router({
  list: adminProcedure.query(({ ctx }) => listUsers(ctx.db)),
  create: adminProcedure
    .input(
      z.object({
        email: z.string().email(),
        password: z.string().min(8, 'A password needs at least 8 characters'),
        name: z.string().max(200).optional(),
        role: z.enum(ROLES).default('viewer'),
      }),
    )
    .mutation(({ ctx, input }) => createUser(ctx.db, input)),
  setRole: adminProcedure
    .input(z.object({ userId: z.string().uuid(), role: z.enum(ROLES) }))
    .mutation(({ ctx, input }) => setRole(ctx.db, ctx.user.id, input.userId, input.role)),
});
