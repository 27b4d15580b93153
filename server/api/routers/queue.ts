// Queue back-pressure as people see it: depth and oldest wait per pool and
// priority, the thresholds, the autoscaled runners and the monitor's recent
// decisions (the runners page's "Queue pressure" section).
import { pressureConfig } from '../../domain/queue/config';
import { queuePressureOverview } from '../../domain/queue/overview';
import { serverEnv } from '../../env';
import { protectedProcedure, router } from '../trpc';

export const queueRouter = router({
  pressure: protectedProcedure.query(({ ctx }) => {
    const env = serverEnv();
    return queuePressureOverview(ctx.db, ctx.now(), {
      ...pressureConfig(env),
      autoscalePool: env.AUTOSCALE_POOL,
      shedAction: env.QUEUE_SHED_ACTION,
    });
  }),
});
