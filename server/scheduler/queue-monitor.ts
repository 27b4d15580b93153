// The queue monitor: every few seconds it reads each pool's depth and oldest
// wait, the runners and the autoscaler's own runners, asks the pure decision
// (server/domain/queue/pressure.ts) what to do, and does it: sheds scheduled
// runs, scales the autoscaler up or down. Every decision is logged and stored
// in queue_decisions for the runners page. One scheduler acts at a time: it
// holds a session advisory lock on its own connection (another scheduler
// takes over when that connection goes away).
import pg from 'pg';
import type { Db } from '../db/client';
import { RUNNER_POOLS } from '../domain/deployment/request';
import { readQueueDepth } from '../domain/queue/depth';
import { recordQueueDecision } from '../domain/queue/decisions';
import {
  CALM,
  decideQueuePressure,
  type PoolCapacity,
  type PressureConfig,
  type PressureDecision,
  type PressureState,
  type ScaledRunner,
} from '../domain/queue/pressure';
import { shedScheduledRuns, type ShedAction } from '../domain/queue/shed';
import { listRunners } from '../domain/runner/registration';
import type { Logger } from '../log';
import type { Autoscaler } from './autoscaler';

export interface QueueMonitorOptions {
  db: Db;
  /** Database URL for the connection that holds the monitor's lock. */
  url: string;
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  now: () => Date;
  intervalMs: number;
  config: PressureConfig;
  shedAction: ShedAction;
  deferSeconds: number;
  autoscaler: Autoscaler | null;
}

export interface QueueMonitor {
  /** Whether this process holds the monitor's lock. */
  readonly active: boolean;
  /** One pass now (also run on the interval); returns what it decided. */
  pass(): Promise<PressureDecision[]>;
  /** Stops the loop and releases the lock; the autoscaler is the caller's to close. */
  stop(): Promise<void>;
}

const LOCK_KEY = 'switchyard.queue-monitor';

async function capacity(
  db: Db,
  now: Date,
): Promise<{ pools: PoolCapacity[]; runners: Awaited<ReturnType<typeof listRunners>> }> {
  const [runners, running] = await Promise.all([
    listRunners(db, now),
    db.job.groupBy({ by: ['pool'], where: { status: 'running', ...RUNNER_POOLS }, _count: { _all: true } }),
  ]);
  const names = new Set([...runners.map((r) => r.pool), ...running.map((r) => r.pool)]);
  const pools = [...names].map((pool) => {
    const online = runners.filter((r) => r.pool === pool && r.online);
    return {
      pool,
      online: online.length,
      slots: online.reduce((n, r) => n + r.concurrency, 0),
      busy: running.find((r) => r.pool === pool)?._count._all ?? 0,
    };
  });
  return { pools, runners };
}

/** The autoscaler's runners as the decision sees them: starting, online, busy, idle since. */
async function scaledRunners(
  db: Db,
  autoscaler: Autoscaler,
  runners: Awaited<ReturnType<typeof listRunners>>,
): Promise<ScaledRunner[]> {
  const list = autoscaler.list();
  const ids = list.map((r) => r.runnerId).filter((id): id is string => !!id);
  const [busy, lastFinished] = await Promise.all([
    db.job.findMany({ where: { status: 'running', runnerId: { in: ids } }, select: { runnerId: true } }),
    db.jobAttempt.groupBy({ by: ['runnerId'], where: { runnerId: { in: ids } }, _max: { finishedAt: true } }),
  ]);
  const busyIds = new Set(busy.map((j) => j.runnerId));
  return list.map((r) => {
    const row = r.runnerId ? runners.find((x) => x.id === r.runnerId) : undefined;
    // Seen since this process started: a reused slot's row may still show its previous life.
    const up = !!row?.online && !!row.lastSeenAt && row.lastSeenAt >= r.startedAt;
    const last = lastFinished.find((x) => x.runnerId === r.runnerId)?._max.finishedAt;
    const isBusy = busyIds.has(r.runnerId);
    return {
      name: r.name,
      state: r.stopping ? 'stopping' : up ? 'online' : 'starting',
      busy: isBusy,
      idleSince: isBusy || !up ? null : last && last > r.startedAt ? last : r.startedAt,
    };
  });
}

export async function startQueueMonitor(o: QueueMonitorOptions): Promise<QueueMonitor> {
  let state: PressureState = CALM;
  let active = false;
  let stopped = false;
  let running: Promise<PressureDecision[]> | null = null;

  const client = new pg.Client({ connectionString: o.url, application_name: 'switchyard-queue-monitor' });
  client.on('error', (err) => {
    o.log.warn({ err: err.message }, 'queue monitor lost its lock connection');
    active = false;
  });
  await client.connect();

  async function takeLock(): Promise<boolean> {
    const r = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [LOCK_KEY]);
    return r.rows[0]?.ok === true;
  }

  async function apply(d: PressureDecision, now: Date): Promise<Record<string, unknown> | null> {
    switch (d.kind) {
      case 'shed': {
        const shed = await shedScheduledRuns(
          o.db,
          {
            pool: d.pool,
            jobs: d.jobs,
            maxPriority: d.maxPriority,
            reason: d.reason,
            action: o.shedAction,
            deferSeconds: o.deferSeconds,
            detail: { depth: d.depth, threshold: d.threshold },
          },
          now,
        );
        if (shed.length === 0) return null;
        return {
          depth: d.depth,
          threshold: d.threshold,
          wanted: d.jobs,
          cancelled: shed.filter((s) => s.action === 'cancel').length,
          deferred: shed.filter((s) => s.action === 'defer').length,
          jobs: shed.reduce((n, s) => n + s.jobs, 0),
          runs: shed.map((s) => s.runId),
        };
      }
      case 'scale_up':
        await o.autoscaler!.scaleTo(d.to);
        return { from: d.from, to: d.to, depth: d.depth, runners: o.autoscaler!.list().map((r) => r.name) };
      case 'scale_down': {
        // Checked again right before stopping: a runner that took a job since is left alone.
        const ids = o.autoscaler!.list().filter((r) => d.stop.includes(r.name) && r.runnerId);
        const busy = await o.db.job.findMany({
          where: { status: 'running', runnerId: { in: ids.map((r) => r.runnerId!) } },
          select: { runnerId: true },
        });
        const stop = ids.filter((r) => !busy.some((b) => b.runnerId === r.runnerId)).map((r) => r.name);
        if (stop.length === 0) return null;
        await o.autoscaler!.scaleTo(d.from - stop.length, stop);
        return { from: d.from, to: d.from - stop.length, stopped: stop };
      }
      case 'calm':
        return { depth: d.depth };
    }
  }

  async function pass(): Promise<PressureDecision[]> {
    if (stopped) return [];
    if (!active) {
      if (!(await takeLock())) return [];
      active = true;
      o.log.info({}, 'queue monitor active');
    }
    const now = o.now();
    const [queues, cap] = await Promise.all([readQueueDepth(o.db, now), capacity(o.db, now)]);
    const autoscaler = o.autoscaler
      ? { pool: o.autoscaler.pool, runners: await scaledRunners(o.db, o.autoscaler, cap.runners) }
      : null;
    const result = decideQueuePressure({
      now,
      queues,
      capacity: cap.pools,
      autoscaler,
      config: o.config,
      previous: state,
    });
    state = result.state;
    const done: PressureDecision[] = [];
    for (const d of result.decisions) {
      const detail = await apply(d, now);
      if (!detail) {
        o.log.debug({ decision: d }, 'queue decision had nothing to act on');
        continue;
      }
      o.log.info({ pool: d.pool, kind: d.kind, ...detail, runs: undefined }, d.reason);
      await recordQueueDecision(o.db, { at: now, pool: d.pool, kind: d.kind, detail, reason: d.reason });
      done.push(d);
    }
    return done;
  }

  function tick(): Promise<PressureDecision[]> {
    running ??= pass()
      .catch((err) => {
        o.log.error({ err }, 'queue monitor pass failed');
        return [];
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  const timer = setInterval(() => void tick(), o.intervalMs);
  return {
    get active() {
      return active;
    },
    pass: tick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
      await client.end().catch(() => undefined);
    },
  };
}
