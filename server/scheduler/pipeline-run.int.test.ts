// The core, end to end with real processes: a push becomes a run, the
// scheduler's planner queues its first jobs, real runner processes claim them
// over HTTP, check out the commit with git, run the scripts, and the DAG
// advances as each job reports back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../tests/db';
import { startTestSystem, type PipelineRepo, type TestSystem } from '../../tests/system';
import { retryJob, runManualJob } from '../domain/job/control';

const GREEN = `stages: [build, test, deploy]
jobs:
  compile:
    stage: build
    script: ["sleep 0.5", "echo compiled > out.txt"]
  lint:
    stage: build
    script: ["sleep 0.5", "echo lint ok"]
  unit:
    stage: test
    needs: [compile]
    script: ["echo unit"]
  e2e:
    stage: test
    script: ["echo e2e"]
  ship:
    stage: deploy
    needs: [unit, e2e]
    script: ['echo "shipping $CI_COMMIT_SHA from $CI_COMMIT_BRANCH"', "test -f README.md"]
`;

const RED = `stages: [build, test]
jobs:
  slow:
    stage: build
    script: ["sleep 4"]
  broken:
    stage: build
    script: ["echo about to fail", "exit 3", "echo not reached"]
  lint:
    stage: build
    allow_failure: true
    script: ["exit 1"]
  after:
    stage: test
    needs: [broken]
    script: ["echo never"]
  cleanup:
    stage: test
    needs: [broken]
    when: always
    script: ["echo cleaning up"]
`;

let system: TestSystem;
let repo: PipelineRepo;
const push = (config: string) => repo.push(config);

async function finished(runId: string, timeoutMs = 60_000) {
  return waitFor(
    async () => {
      const run = await system.db.prisma.pipelineRun.findFirst({
        where: { id: runId },
        include: { jobs: true, stages: true },
      });
      return run?.finishedAt ? run : null;
    },
    { timeoutMs, what: `run ${runId} to finish` },
  );
}

beforeAll(async () => {
  system = await startTestSystem();
  repo = await system.addRepo('core', { 'README.md': 'hello' });
  await system.startRunner({ name: 'r1', concurrency: 3 });
});
afterAll(() => system?.stop());

describe('a pipeline run', () => {
  it('succeeds: no job starts before its needs finished, and jobs of one stage overlap', async () => {
    const { sha, run } = await push(GREEN);
    const done = await finished(run.id);
    expect(done.status, JSON.stringify(done.jobs.map((j) => [j.name, j.status, j.statusReason]))).toBe('success');
    const jobs = Object.fromEntries(done.jobs.map((j) => [j.name, j]));
    expect(Object.values(jobs).map((j) => j.status)).toEqual(Array(5).fill('success'));
    for (const job of done.jobs) {
      for (const need of job.needs) {
        expect(job.startedAt!.getTime(), `${job.name} after ${need}`).toBeGreaterThanOrEqual(
          jobs[need]!.finishedAt!.getTime(),
        );
      }
    }
    expect(jobs.unit!.needs).toEqual(['compile']);
    expect(jobs.e2e!.needs.sort()).toEqual(['compile', 'lint']);
    const [a, b] = [jobs.compile!, jobs.lint!];
    expect(a.startedAt! < b.finishedAt! && b.startedAt! < a.finishedAt!, 'compile and lint overlapped').toBe(true);
    expect(done.stages.map((s) => s.status)).toEqual(['success', 'success', 'success']);
    const log = await system.services.logs.read(jobs.ship!.id, 1);
    expect(log).toContain(`shipping ${sha} from main`);
    expect(log).toContain('$ test -f README.md');
    const attempts = await system.db.prisma.jobAttempt.findMany({ where: { jobId: jobs.ship!.id } });
    expect(attempts).toMatchObject([{ number: 1, exitCode: 0, reason: 'exit_code' }]);
  });

  it('fails fast: a failing job skips its dependents and fails the run while others still run', async () => {
    const { run } = await push(RED);
    const done = await finished(run.id);
    const jobs = Object.fromEntries(done.jobs.map((j) => [j.name, j]));
    const seen = JSON.stringify(done.jobs.map((j) => [j.name, j.status, j.statusReason]));
    expect(done.status, seen).toBe('failed');
    expect(jobs.broken).toMatchObject({ status: 'failed', exitCode: 3 });
    expect(jobs.after).toMatchObject({ status: 'skipped', statusReason: 'broken failed' });
    expect(jobs.lint!.status).toBe('failed'); // allowed to fail: the run's failure is broken's
    expect(jobs.cleanup!.status, seen).toBe('success'); // when: always
    expect(jobs.slow!.status, seen).toBe('success');
    expect(done.failedAt!.getTime()).toBeLessThan(jobs.slow!.finishedAt!.getTime());
    const log = await system.services.logs.read(jobs.broken!.id, 1);
    expect(log).toContain('about to fail');
    expect(log).not.toContain('not reached');
    const events = await system.db.prisma.runEvent.findMany({
      where: { runId: run.id, kind: 'run.status' },
      orderBy: { id: 'asc' },
    });
    expect(events.map((e) => e.toStatus)).toEqual(['pending', 'running', 'failed']);
  });
});

describe('people acting on a run', () => {
  it('retrying a failed job reruns it and the jobs that depend on it, and the run can still succeed', async () => {
    const { run } = await push(`stages: [test, deploy]
jobs:
  flaky:
    stage: test
    script: ['test "$CI_JOB_ATTEMPT" -gt 1 || { echo "fails the first time"; exit 1; }']
  after:
    stage: deploy
    needs: [flaky]
    script: ["echo after"]
`);
    const failed = await finished(run.id);
    expect(failed.status).toBe('failed');
    const flaky = failed.jobs.find((j) => j.name === 'flaky')!;
    expect(failed.jobs.find((j) => j.name === 'after')!.status).toBe('skipped');
    await retryJob(system.db.prisma, system.services.enqueue, flaky.id, { actor: 'dev@example.com' }, new Date());
    const done = await finished(run.id);
    expect(done.jobs.map((j) => [j.name, j.status]).sort()).toEqual([
      ['after', 'success'],
      ['flaky', 'success'],
    ]);
    expect(done.status).toBe('success');
    const attempts = await system.db.prisma.jobAttempt.findMany({
      where: { jobId: flaky.id },
      orderBy: { number: 'asc' },
    });
    expect(attempts.map((a) => a.exitCode)).toEqual([1, 0]);
    const retried = await system.db.prisma.runEvent.findFirst({
      where: { jobId: flaky.id, toStatus: 'queued', actor: 'dev@example.com' },
    });
    expect(retried?.reason).toBe('retried by dev@example.com');
  });

  it('a manual job waits for a person, then runs when started', async () => {
    const { run } = await push(`stages: [build, deploy]
jobs:
  build: { stage: build, script: ["echo build"] }
  release: { stage: deploy, when: manual, script: ["echo released"] }
`);
    const waiting = await waitFor(
      async () => {
        const job = await system.db.prisma.job.findFirst({ where: { runId: run.id, name: 'release' } });
        return job?.status === 'manual' ? job : null;
      },
      { timeoutMs: 30_000, what: 'the release job to wait for a person' },
    );
    await runManualJob(system.db.prisma, system.services.enqueue, waiting.id, { actor: 'dev@example.com' }, new Date());
    const done = await waitFor(
      async () => {
        const job = await system.db.prisma.job.findFirst({ where: { id: waiting.id } });
        return job?.finishedAt ? job : null;
      },
      { timeoutMs: 30_000, what: 'the release job to run' },
    );
    expect(done.status).toBe('success');
    expect(await system.services.logs.read(done.id, 1)).toContain('released');
  });
});
