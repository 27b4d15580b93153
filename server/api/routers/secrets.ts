import { z } from 'zod';
import { deleteSecret, listSecrets, SecretInput, setSecret } from '../../domain/secret/secrets';
import { adminProcedure, developerProcedure, router } from '../trpc';

/** Pipeline secrets: values go in and never come out (only runners get them, for their jobs). */
export const secretsRouter = router({
  list: developerProcedure
    .input(z.object({ repo: z.string().trim().min(1) }))
    .query(({ ctx, input }) => listSecrets(ctx.db, input.repo)),
  set: adminProcedure.input(SecretInput).mutation(({ ctx, input }) => setSecret(ctx.db, ctx.box, input)),
  delete: adminProcedure
    .input(z.object({ repo: z.string().trim().min(1), name: z.string(), environment: z.string().nullish() }))
    .mutation(({ ctx, input }) => deleteSecret(ctx.db, input.repo, input.name, input.environment ?? null)),
});
