// Several schedulers and many runs at once: a run is planned once however many
// planners race for it, and 50 runs triggered together all finish with every
// job run exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../tests/db';
import { createGitRepo, type TestRepo } from '../../tests/git-repo';
import { startTestSystem, type TestSystem } from '../../tests/system';
import { transactionalEnqueue } from '../domain/run/enqueue';
import { createRepo } from '../domain/repo/repos';
import { triggerRun } from '../domain/run/trigger-run';
import { createBoss } from '../queue/boss';
import { planRun } from './plan-run';
import { startPlanner, type Planner } from './planner';

const PIPELINE = `stages: [build, test]
jobs:
  compile: { stage: build, script: ["echo compile"] }
  unit: { stage: test, needs: [compile], script: ["echo unit"] }
  lint: { stage: test, needs: [], script: ["echo lint"] }
`;

let system: TestSystem;
let repo: TestRepo;
let target: { id: string; cloneUrl: string; configPath: string; defaultBranch: string };
let secondBoss: ReturnType<typeof createBoss>;
let secondPlanner: Planner;

beforeAll(async () => {
  system = await startTestSystem();
  repo = createGitRepo({ '.ci/pipeline.yml': PIPELINE });
  const created = await createRepo(system.db.prisma, system.services.box, { name: 'busy', cloneUrl: repo.url });
  target = { id: created.id, cloneUrl: created.cloneUrl, configPath: created.configPath, defaultBranch: 'main' };
  // A second scheduler: its own queue connection and planner on the same database.
  secondBoss = createBoss(system.db.url, { supervise: false, schedule: false, max: 2 });
  await secondBoss.start();
  secondPlanner = await startPlanner({
    ...system.services,
    boss: secondBoss,
    enqueue: transactionalEnqueue(secondBoss),
    url: system.db.url,
  });
});
afterAll(async () => {
  await secondPlanner?.stop();
  await secondBoss?.stop({ graceful: false, wait: true });
  await system?.stop();
  repo.remove();
});

const trigger = async () => {
  const result = await triggerRun(system.services, {
    repo: target,
    trigger: 'push',
    sha: repo.sha(),
    branch: 'main',
    actor: 'load',
  });
  if (result.outcome !== 'run_created') throw new Error(result.reason);
  return result.run;
};

describe('concurrency', () => {
  it('two planners racing for one run plan it once', async () => {
    await secondPlanner.stop(); // race them by hand, below, instead
    const run = await trigger();
    const message = { runId: run.id, createdAt: run.createdAt.toISOString() };
    const deps = { ...system.services, boss: secondBoss, enqueue: transactionalEnqueue(secondBoss) };
    const outcomes = await Promise.all([
      planRun(system.services, message),
      planRun(deps, message),
      planRun(deps, message),
    ]);
    const jobs = await system.db.prisma.job.findMany({ where: { runId: run.id } });
    expect(jobs).toHaveLength(3);
    expect(outcomes.filter(Boolean).length).toBeLessThanOrEqual(1); // the first planner may have won before all three
    const stages = await system.db.prisma.stage.count({ where: { runId: run.id } });
    expect(stages).toBe(2);
    secondPlanner = await startPlanner({ ...deps, url: system.db.url });
  });

  it('50 runs triggered at once all finish, every job run exactly once', async () => {
    await system.startRunner({ name: 'load-1', concurrency: 4 });
    await system.startRunner({ name: 'load-2', concurrency: 4 });
    const runs = await Promise.all(Array.from({ length: 50 }, trigger));
    const ids = runs.map((r) => r.id);
    await waitFor(
      async () =>
        (await system.db.prisma.pipelineRun.count({ where: { id: { in: ids }, finishedAt: { not: null } } })) === 50 ||
        null,
      { timeoutMs: 120_000, intervalMs: 250, what: '50 runs to finish' },
    );
    const finished = await system.db.prisma.pipelineRun.findMany({
      where: { id: { in: ids } },
      include: { jobs: { include: { attempts: true } } },
    });
    expect(finished.map((r) => r.status)).toEqual(Array(50).fill('success'));
    const jobs = finished.flatMap((r) => r.jobs);
    expect(jobs).toHaveLength(150);
    expect(jobs.every((j) => j.status === 'success' && j.attempts.length === 1)).toBe(true);
    const queuedEvents = await system.db.prisma.runEvent.groupBy({
      by: ['jobId'],
      where: { runId: { in: ids }, kind: 'job.status', toStatus: 'queued' },
      _count: true,
    });
    expect(queuedEvents).toHaveLength(150);
    expect(queuedEvents.every((g) => g._count === 1)).toBe(true);
    const numbers = finished.map((r) => r.number).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(50);
  });
});
