// The queue-pressure decision: per pool, the queue's depth and oldest wait,
// the runners serving it and the autoscaler's own runners in; what to do out:
// add runners (up to the maximum), stop idle autoscaled runners after the
// cool-down, shed scheduled work, or nothing. Pure: the clock and the state
// it carries from the previous pass come in, the next state goes out.
//
// Hysteresis, so it does not flap:
// - shedding starts above QUEUE_SHED_DEPTH (or past QUEUE_SHED_WAIT_SECONDS of
//   oldest wait), then sheds down to the low mark (half the threshold) and
//   stays on until the pool is back under the low mark and half the wait;
// - runners are added at QUEUE_SCALE_UP_DEPTH, never while one it started is
//   still coming up; they are stopped only when the pool is under half that
//   depth, the runner has been idle for the cool-down, and the last scale-up
//   is at least a cool-down ago.

/** Depth and oldest wait of one pool at one priority (queued jobs that may be claimed now). */
export interface QueueFigure {
  pool: string;
  priority: number;
  depth: number;
  oldestWaitSeconds: number;
}

/** The runners of one pool as the database sees them. */
export interface PoolCapacity {
  pool: string;
  online: number;
  /** Job slots of the online runners. */
  slots: number;
  /** Jobs running now. */
  busy: number;
}

/** One runner the autoscaler started. */
export interface ScaledRunner {
  name: string;
  /** starting: the process runs but the runner is not online yet; stopping: told to stop. */
  state: 'starting' | 'online' | 'stopping';
  /** Runs a job now. A busy runner is never stopped. */
  busy: boolean;
  /** Since when it has had nothing to do (its last job's end, or when it came up). */
  idleSince: Date | null;
}

export interface PressureConfig {
  /** Pool depth at which runners are added. */
  scaleUpDepth: number;
  /** Pool depth above which scheduled work is shed. */
  shedDepth: number;
  /** Oldest wait (seconds) past which scheduled work is shed too; 0: depth only. */
  shedWaitSeconds: number;
  /** Most runners the autoscaler keeps; 0: the autoscaler is off. */
  maxRunners: number;
  /** How long an autoscaled runner stays idle before it is stopped. */
  idleSeconds: number;
  /** Jobs at or below this priority may be shed (scheduled runs' priority). */
  sheddablePriority: number;
}

/** What one pass hands to the next. */
export interface PressureState {
  /** Pools being shed now. */
  shedding: string[];
  /** The last scale-up per pool (ISO time). */
  lastScaleUpAt: Record<string, string>;
}

export const CALM: PressureState = { shedding: [], lastScaleUpAt: {} };

export interface PressureInput {
  now: Date;
  queues: QueueFigure[];
  capacity: PoolCapacity[];
  /** The autoscaler and the pool it serves; null when there is none. */
  autoscaler: { pool: string; runners: ScaledRunner[] } | null;
  config: PressureConfig;
  previous: PressureState;
}

/** What the monitor does, and the words it logs and shows. */
export type PressureDecision =
  | { kind: 'scale_up'; pool: string; from: number; to: number; depth: number; reason: string }
  | { kind: 'scale_down'; pool: string; from: number; to: number; stop: string[]; reason: string }
  | {
      kind: 'shed';
      pool: string;
      /** Queued jobs to shed (whole scheduled runs are shed until at least this many are gone). */
      jobs: number;
      depth: number;
      threshold: number;
      maxPriority: number;
      reason: string;
    }
  | { kind: 'calm'; pool: string; depth: number; reason: string };

export interface PressureResult {
  decisions: PressureDecision[];
  state: PressureState;
}

interface PoolFigures {
  depth: number;
  sheddable: number;
  oldestWaitSeconds: number;
}

function byPool(queues: QueueFigure[], sheddablePriority: number): Map<string, PoolFigures> {
  const pools = new Map<string, PoolFigures>();
  for (const q of queues) {
    const p = pools.get(q.pool) ?? { depth: 0, sheddable: 0, oldestWaitSeconds: 0 };
    p.depth += q.depth;
    if (q.priority <= sheddablePriority) p.sheddable += q.depth;
    if (q.depth > 0) p.oldestWaitSeconds = Math.max(p.oldestWaitSeconds, q.oldestWaitSeconds);
    pools.set(q.pool, p);
  }
  return pools;
}

/** Shedding per pool: start, keep on, or stop (with hysteresis). */
function shedDecisions(
  pools: Map<string, PoolFigures>,
  cfg: PressureConfig,
  previous: PressureState,
): { decisions: PressureDecision[]; shedding: string[]; after: Map<string, number> } {
  const decisions: PressureDecision[] = [];
  const shedding: string[] = [];
  const after = new Map<string, number>();
  const lowMark = Math.floor(cfg.shedDepth / 2);
  const names = [...new Set([...pools.keys(), ...previous.shedding])].sort();
  for (const pool of names) {
    const f = pools.get(pool) ?? { depth: 0, sheddable: 0, oldestWaitSeconds: 0 };
    const wasOn = previous.shedding.includes(pool);
    const overDepth = f.depth > cfg.shedDepth;
    const overWait = cfg.shedWaitSeconds > 0 && f.oldestWaitSeconds > cfg.shedWaitSeconds;
    const stillHigh = f.depth > lowMark || (cfg.shedWaitSeconds > 0 && f.oldestWaitSeconds > cfg.shedWaitSeconds / 2);
    const on = overDepth || overWait || (wasOn && stillHigh);
    after.set(pool, f.depth);
    if (!on) {
      if (wasOn) {
        decisions.push({
          kind: 'calm',
          pool,
          depth: f.depth,
          reason: `queue depth ${f.depth} back under ${lowMark}: scheduled runs are no longer shed`,
        });
      }
      continue;
    }
    shedding.push(pool);
    const jobs = Math.min(f.sheddable, Math.max(0, f.depth - lowMark));
    if (jobs === 0) continue;
    const why = overDepth
      ? `queue depth ${f.depth} over threshold ${cfg.shedDepth}`
      : overWait
        ? `oldest wait ${Math.round(f.oldestWaitSeconds)} s over threshold ${cfg.shedWaitSeconds} s`
        : `queue depth ${f.depth} still over the low mark ${lowMark}`;
    decisions.push({
      kind: 'shed',
      pool,
      jobs,
      depth: f.depth,
      threshold: cfg.shedDepth,
      maxPriority: cfg.sheddablePriority,
      reason: `shed: ${why}`,
    });
    after.set(pool, f.depth - jobs);
  }
  return { decisions, shedding, after };
}

function scaleDecision(input: PressureInput, depthAfterShed: Map<string, number>, state: PressureState) {
  const { autoscaler, config: cfg, now } = input;
  if (!autoscaler || cfg.maxRunners <= 0) return null;
  const pool = autoscaler.pool;
  const live = autoscaler.runners.filter((r) => r.state !== 'stopping');
  const depth = depthAfterShed.get(pool) ?? 0;
  const cap = input.capacity.find((c) => c.pool === pool) ?? { pool, online: 0, slots: 0, busy: 0 };
  const free = Math.max(0, cap.slots - cap.busy);
  const starting = live.some((r) => r.state === 'starting');

  if (depth >= cfg.scaleUpDepth && !starting && live.length < cfg.maxRunners) {
    const wanted = Math.max(1, depth - free);
    const to = Math.min(cfg.maxRunners, live.length + wanted);
    if (to > live.length) {
      state.lastScaleUpAt[pool] = now.toISOString();
      return {
        kind: 'scale_up' as const,
        pool,
        from: live.length,
        to,
        depth,
        reason: `queue depth ${depth} at or over ${cfg.scaleUpDepth} with ${free} free slot${free === 1 ? '' : 's'}: ${to - live.length} more runner${to - live.length === 1 ? '' : 's'} (at most ${cfg.maxRunners})`,
      };
    }
  }

  const lastUp = state.lastScaleUpAt[pool] ? new Date(state.lastScaleUpAt[pool]).getTime() : 0;
  const coolMs = cfg.idleSeconds * 1000;
  const tooSoon = now.getTime() - lastUp < coolMs;
  const overMax = live.length > cfg.maxRunners;
  if (!overMax && (depth >= Math.max(1, Math.floor(cfg.scaleUpDepth / 2)) || tooSoon)) return null;
  const idle = live
    .filter((r) => r.state === 'online' && !r.busy && r.idleSince && now.getTime() - r.idleSince.getTime() >= coolMs)
    .sort((a, b) => a.idleSince!.getTime() - b.idleSince!.getTime() || a.name.localeCompare(b.name));
  if (idle.length === 0) return null;
  const stop = idle.map((r) => r.name);
  return {
    kind: 'scale_down' as const,
    pool,
    from: live.length,
    to: live.length - stop.length,
    stop,
    reason: overMax
      ? `${live.length} autoscaled runners over the maximum ${cfg.maxRunners}: stopping the idle ones`
      : `queue depth ${depth} and ${stop.length} runner${stop.length === 1 ? '' : 's'} idle for ${cfg.idleSeconds} s or more: stopping ${stop.length === 1 ? 'it' : 'them'}`,
  };
}

export function decideQueuePressure(input: PressureInput): PressureResult {
  const pools = byPool(input.queues, input.config.sheddablePriority);
  const shed = shedDecisions(pools, input.config, input.previous);
  const state: PressureState = { shedding: shed.shedding, lastScaleUpAt: { ...input.previous.lastScaleUpAt } };
  const scale = scaleDecision(input, shed.after, state);
  // Scaling first: starting runners is quick, shedding many runs takes a while.
  return { decisions: scale ? [scale, ...shed.decisions] : shed.decisions, state };
}
