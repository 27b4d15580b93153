// The autoscaler contract: what the queue monitor asks of whatever adds and
// removes runners. `local` starts runner processes on this host
// (local-autoscaler.ts); a cluster autoscaler (KEDA scaling a runner
// Deployment on the depth query, see docs/autoscaling.md) can plug in here.
//
// Lifecycle: the monitor reads list() every pass, decides, and calls
// scaleTo(count, stoppable). scaleTo starts runners up to `count`, or stops
// runners named in `stoppable` (idle ones, chosen by the monitor) until it
// is down to `count`; it never stops a runner it was not told it may stop.
// close() stops every runner it started (the scheduler is going away).

export interface AutoscaledRunner {
  /** The runner's name; also its name on the runners page. */
  name: string;
  /** Its runner id once it has registered; null while it starts for the first time. */
  runnerId: string | null;
  startedAt: Date;
  /** Told to stop; gone from list() once it exited. */
  stopping: boolean;
}

export interface Autoscaler {
  /** `local`, or a cluster scaler's name. */
  readonly kind: string;
  /** The pool its runners join. */
  readonly pool: string;
  /** Most runners it keeps. */
  readonly max: number;
  /** How many runners it aims to keep now. */
  desired(): number;
  scaleTo(count: number, stoppable?: readonly string[]): Promise<void>;
  list(): AutoscaledRunner[];
  close(): Promise<void>;
}
