// The runners page: each runner with what it runs now, and each pool with its
// queue depth, its oldest waiting job and why each waiting job waits.
import type { DbTx } from '../../db/client';
import { RUNNER_POOLS } from '../deployment/request';
import { listRunners } from './registration';
import { queueOrder, waitReasons } from './wait-reasons';
import { BACKGROUND_BELOW_PRIORITY } from '../../queue/queues';
import { backgroundCap, DEFAULT_RESERVED_SLOTS } from '../job/claim';

/** Waiting jobs shown per pool. */
const WAITING_SHOWN = 50;

export async function runnersOverview(db: DbTx, now: Date, reservedSlots = DEFAULT_RESERVED_SLOTS) {
  const [runners, running, queued] = await Promise.all([
    listRunners(db, now),
    db.job.findMany({
      where: { status: 'running', ...RUNNER_POOLS },
      select: {
        id: true,
        name: true,
        pool: true,
        priority: true,
        runId: true,
        runnerId: true,
        startedAt: true,
        run: { select: { number: true } },
      },
    }),
    db.job.findMany({
      where: { status: 'queued', ...RUNNER_POOLS },
      select: {
        id: true,
        name: true,
        pool: true,
        priority: true,
        queuedAt: true,
        createdAt: true,
        runId: true,
        run: { select: { number: true, pipeline: { select: { repo: { select: { name: true } } } } } },
      },
    }),
  ]);
  const runningBy = new Map<string, typeof running>();
  for (const j of running) if (j.runnerId) runningBy.set(j.runnerId, [...(runningBy.get(j.runnerId) ?? []), j]);

  const withJobs = runners.map((r) => ({
    ...r,
    jobs: (runningBy.get(r.id) ?? []).map((j) => ({
      id: j.id,
      name: j.name,
      runId: j.runId,
      runNumber: j.run.number,
      startedAt: j.startedAt,
    })),
  }));

  const pools = [...new Set([...runners.map((r) => r.pool), ...queued.map((j) => j.pool)])].sort();
  return {
    runners: withJobs,
    pools: pools.map((pool) => {
      const members = withJobs.filter((r) => r.pool === pool);
      const waiting = queued
        .filter((j) => j.pool === pool)
        .map((j) => ({ ...j, queuedAt: j.queuedAt ?? j.createdAt }))
        .sort(queueOrder);
      const onlineSlots = members.filter((r) => r.online).reduce((n, r) => n + r.concurrency, 0);
      const reasons = waitReasons(
        pool,
        members.map((r) => ({ online: r.online, concurrency: r.concurrency, running: r.jobs.length })),
        waiting,
        {
          running: running.filter((j) => j.pool === pool && j.priority < BACKGROUND_BELOW_PRIORITY).length,
          cap: backgroundCap(onlineSlots, reservedSlots),
        },
      );
      return {
        pool,
        runners: members.length,
        online: members.filter((r) => r.online).length,
        slots: members.filter((r) => r.online).reduce((n, r) => n + r.concurrency, 0),
        busy: members.reduce((n, r) => n + r.jobs.length, 0),
        depth: waiting.length,
        oldestQueuedAt: waiting.reduce<Date | null>((o, j) => (!o || j.queuedAt < o ? j.queuedAt : o), null),
        waiting: waiting.slice(0, WAITING_SHOWN).map((j) => ({
          id: j.id,
          name: j.name,
          runId: j.runId,
          runNumber: j.run.number,
          repo: j.run.pipeline.repo.name,
          priority: j.priority,
          queuedAt: j.queuedAt,
          reason: reasons.get(j.id)!,
        })),
      };
    }),
  };
}
