import { checkHealth } from '../../ops/health';
import { publicProcedure, router } from '../trpc';

export const healthRouter = router({
  /** Database and queue status; also at GET /api/health. */
  check: publicProcedure.query(({ ctx }) => checkHealth(ctx.db)),
});
