// The queue monitor's thresholds from the server environment (the scheduler
// acts on them, the runners page shows them).
import type { ServerEnv } from '../../env';
import { TRIGGER_PRIORITY } from '../run/create-run';
import type { PressureConfig } from './pressure';

export function pressureConfig(env: ServerEnv): PressureConfig {
  return {
    scaleUpDepth: env.QUEUE_SCALE_UP_DEPTH,
    shedDepth: env.QUEUE_SHED_DEPTH,
    shedWaitSeconds: env.QUEUE_SHED_WAIT_SECONDS,
    maxRunners: env.AUTOSCALE_MAX_RUNNERS,
    idleSeconds: env.AUTOSCALE_IDLE_SECONDS,
    sheddablePriority: TRIGGER_PRIORITY.schedule,
  };
}
