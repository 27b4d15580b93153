// Queue back-pressure end to end, with real runner processes: 200 queued
// scheduled jobs and low thresholds make the monitor start extra runners (real
// processes, seen online) and shed scheduled runs with a reason, while a push
// run's first job starts about as fast as on an idle system; once the queue
// drains and the cool-down passes, the extra runners stop.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../tests/db';
import { startTestSystem, type PipelineRepo, type TestSystem } from '../../tests/system';
import { readQueueDepth } from '../domain/queue/depth';
import { queuePressureOverview } from '../domain/queue/overview';
import type { PressureConfig } from '../domain/queue/pressure';
import { parsePipelineConfig } from '../domain/pipeline-config/parse';
import { createRun } from '../domain/run/create-run';
import { createLogger } from '../log';
import { LocalAutoscaler } from './local-autoscaler';
import { autoscaledRegistration } from './queue-back-pressure';
import { planRun } from './plan-run';
import { startQueueMonitor, type QueueMonitor } from './queue-monitor';

const PIPELINE = `on: [push, schedule]
schedule: "0 3 * * *"
stages: [test]
jobs:
  work:
    stage: test
    script: sleep 1
`;
const SCHEDULED = 200;
const CONFIG: PressureConfig = {
  scaleUpDepth: 5,
  shedDepth: 40,
  shedWaitSeconds: 0,
  maxRunners: 2,
  idleSeconds: 3,
  sheddablePriority: 0,
};

let system: TestSystem;
let repo: PipelineRepo;
let autoscaler: LocalAutoscaler;
let monitor: QueueMonitor | undefined;
let stateDir: string;
const log = createLogger({ proc: 'test', level: 'silent' });

/** From the run's creation to its first job's start. */
async function firstJobLatencyMs(): Promise<{ ms: number; runId: string }> {
  const { run } = await repo.push(PIPELINE);
  const job = await waitFor(
    () => system.db.prisma.job.findFirst({ where: { runId: run.id, startedAt: { not: null } } }),
    { what: `the first job of run ${run.number} to start`, timeoutMs: 20_000 },
  );
  return { ms: job.startedAt!.getTime() - run.createdAt.getTime(), runId: run.id };
}

beforeAll(async () => {
  system = await startTestSystem();
  repo = await system.addRepo('nightly');
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-autoscale-'));
  autoscaler = new LocalAutoscaler({
    pool: 'default',
    max: CONFIG.maxRunners,
    serverUrl: system.url,
    stateDir,
    registrationToken: autoscaledRegistration(system.db.prisma, 'default'),
    log,
    env: { LOG_LEVEL: 'warn', SWITCHYARD_RUNNER_PING_SECONDS: '1' },
    stopGraceMs: 5_000,
  });
  await system.startRunner({ name: 'base' });
});

afterAll(async () => {
  await monitor?.stop();
  await autoscaler?.close();
  await system?.stop();
  if (stateDir) fs.rmSync(stateDir, { recursive: true, force: true });
});

describe('queue back-pressure', () => {
  it('scales up, sheds scheduled runs with a reason, keeps push latency, and scales down after the cool-down', async () => {
    const db = system.db.prisma;
    // Idle baseline, after a warm-up run (the first push also registers the pipeline's schedule).
    await system.finished((await firstJobLatencyMs()).runId, 30_000);
    const idleSamples: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { ms, runId } = await firstJobLatencyMs();
      idleSamples.push(ms);
      await system.finished(runId, 20_000);
    }
    const idleMs = Math.max(...idleSamples);
    const pipeline = await db.pipeline.findFirstOrThrow({ where: { repo: { name: 'nightly' } } });
    expect(pipeline.schedule).toBe('0 3 * * *');

    // 200 scheduled runs, created the way the scheduler's cron pass creates them.
    const parsed = parsePipelineConfig(PIPELINE);
    const sha = repo.git.sha();
    const t0 = Date.now();
    for (let i = 0; i < SCHEDULED; i++) {
      const run = await createRun(
        db,
        {
          pipelineId: pipeline.id,
          trigger: 'schedule',
          commitSha: sha,
          branch: 'main',
          actor: 'schedule',
          configText: PIPELINE,
          config: parsed.config,
          issues: parsed.issues,
        },
        new Date(),
        system.services.enqueue,
      );
      // Planned at once (the planner would too, at its own pace).
      await planRun(system.services, { runId: run.id, createdAt: run.createdAt.toISOString() });
    }
    console.log(`${SCHEDULED} scheduled runs created and planned in ${Date.now() - t0} ms`);
    await waitFor(
      async () => {
        const depth = (await readQueueDepth(db, new Date())).reduce((n, q) => n + q.depth, 0);
        return depth >= SCHEDULED - 20 ? depth : null;
      },
      { what: 'the scheduled runs to be planned and queued', timeoutMs: 30_000 },
    );

    monitor = await startQueueMonitor({
      db,
      url: system.db.url,
      log,
      now: () => new Date(),
      intervalMs: 500,
      config: CONFIG,
      shedAction: 'cancel',
      deferSeconds: 60,
      autoscaler,
    });

    // Extra runners: real processes, online.
    const online = await waitFor(
      async () => {
        const p = await queuePressureOverview(db, new Date(), {
          ...CONFIG,
          autoscalePool: 'default',
          shedAction: 'cancel',
        });
        const up = p.autoscaled.filter((r) => r.online);
        return up.length === CONFIG.maxRunners ? up : null;
      },
      { what: 'two autoscaled runners online', timeoutMs: 30_000 },
    );
    expect(online.map((r) => r.name).sort()).toEqual(['autoscale-default-1', 'autoscale-default-2']);
    expect(autoscaler.list()).toHaveLength(2);

    // Scheduled runs shed with a visible reason, the back of the queue first.
    const depthAfterShed = await waitFor(
      async () => {
        const depth = (await readQueueDepth(db, new Date())).reduce((n, q) => n + q.depth, 0);
        return depth <= CONFIG.shedDepth / 2 ? String(depth) : null;
      },
      { what: 'shedding down to the low mark', timeoutMs: 30_000 },
    );
    const shed = await db.pipelineRun.findMany({ where: { trigger: 'schedule', status: 'cancelled' } });
    expect(shed.length).toBeGreaterThanOrEqual(SCHEDULED - CONFIG.shedDepth);
    for (const r of shed) expect(r.statusReason).toMatch(/^shed: queue depth \d+ over threshold 40$/);
    const event = await db.runEvent.findFirstOrThrow({ where: { runId: shed[0]!.id, kind: 'run.shed' } });
    expect(event).toMatchObject({ actor: 'queue-monitor', reason: shed[0]!.statusReason });
    const shedJob = await db.job.findFirstOrThrow({ where: { runId: shed[0]!.id } });
    expect(shedJob).toMatchObject({ status: 'cancelled', statusReason: shed[0]!.statusReason });

    // Scheduled work never holds the pool's last slot: one runner of three stays free for a push.
    let mostScheduledRunning = 0;
    for (let i = 0; i < 20; i++) {
      const running = await db.job.count({ where: { status: 'running', run: { trigger: 'schedule' } } });
      mostScheduledRunning = Math.max(mostScheduledRunning, running);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(mostScheduledRunning).toBeGreaterThan(0);
    expect(mostScheduledRunning).toBeLessThanOrEqual(2);

    // A push under pressure starts its first job about as fast as on an idle system.
    const pressured = await firstJobLatencyMs();
    const bound = Math.max(3 * idleMs, idleMs + 250);
    console.log(
      `first-job latency: idle ${idleSamples.join('/')} ms, under pressure ${pressured.ms} ms ` +
        `(ratio ${(pressured.ms / idleMs).toFixed(2)}, bound ${bound} ms); ${shed.length} scheduled runs shed, ` +
        `${depthAfterShed} jobs left queued`,
    );
    expect(pressured.ms).toBeLessThanOrEqual(bound);
    const pushRun = await system.finished(pressured.runId, 30_000);
    expect(pushRun).toMatchObject({ status: 'success', statusReason: null, trigger: 'push' });
    expect(await db.runEvent.count({ where: { runId: pressured.runId, kind: 'run.shed' } })).toBe(0);

    // Drained and cooled down: the extra runners stop; the base runner stays.
    await waitFor(async () => (await db.job.count({ where: { status: { in: ['queued', 'running'] } } })) === 0, {
      what: 'the queue to drain',
      timeoutMs: 30_000,
    });
    // A draining runner first hears the answer to the claim it is waiting on (at most 25 s).
    await waitFor(() => autoscaler.list().length === 0 || null, {
      what: 'the autoscaled runners to stop after the cool-down',
      timeoutMs: 45_000,
    });
    const decisions = await db.queueDecision.findMany({ orderBy: { id: 'asc' } });
    const kinds = decisions.map((d) => d.kind);
    expect(kinds).toContain('scale_up');
    expect(kinds).toContain('shed');
    expect(kinds).toContain('scale_down');
    expect(kinds).toContain('calm');
    const scaleDown = decisions.find((d) => d.kind === 'scale_down')!;
    expect(scaleDown.reason).toMatch(/idle for 3 s or more/);
    const base = await db.runner.findFirstOrThrow({ where: { name: 'base' } });
    expect(base.disabledAt).toBeNull();
    // No scheduled job was cut short by a stopping runner.
    expect(await db.jobAttempt.count({ where: { reason: 'runner_error' } })).toBe(0);
  }, 120_000);
});
