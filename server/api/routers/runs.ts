import { listRuns, RunFilter } from '../../domain/run/list-runs';
import { protectedProcedure, router } from '../trpc';

export const runsRouter = router({
  list: protectedProcedure.input(RunFilter).query(({ ctx, input }) => listRuns(ctx.db, input)),
});
