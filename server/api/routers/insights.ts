import { insightsTrends, TrendsInput } from '../../domain/insights/trends';
import { protectedProcedure, router } from '../trpc';

/** The insights page: the north-star numbers and each pipeline's trends over time. */
export const insightsRouter = router({
  trends: protectedProcedure.input(TrendsInput).query(({ ctx, input }) => insightsTrends(ctx.db, input, ctx.now())),
});
