// The other tests run heartbeats and the watchdog fast; this one proves the
// defaults: runners heartbeat every 10 s, an attempt is lost after 30 s of
// silence (the watchdog looks every 5 s), and the job then runs elsewhere.
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../tests/db';
import { createGitRepo, type TestRepo } from '../../tests/git-repo';
import { startTestSystem, type TestSystem } from '../../tests/system';
import { parseServerEnv } from '../env';
import { createRepo } from '../domain/repo/repos';
import { triggerRun } from '../domain/run/trigger-run';

const defaults = parseServerEnv({});
let system: TestSystem;
let repo: TestRepo;
const runners: ChildProcess[] = [];

beforeAll(async () => {
  system = await startTestSystem(
    {
      lostAfterMs: defaults.RUNNER_LOST_AFTER_SECONDS * 1000,
      maxLostRequeues: defaults.MAX_LOST_REQUEUES,
      backoffBaseMs: 2_000,
    },
    defaults.WATCHDOG_INTERVAL_SECONDS * 1000,
  );
  repo = createGitRepo({ '.ci/pipeline.yml': 'jobs:\n  work:\n    script: ["sleep 4", "echo done"]\n' });
  await createRepo(system.db.prisma, system.services.box, { name: 'defaults', cloneUrl: repo.url });
});
afterAll(async () => {
  await system?.stop();
  repo.remove();
});

describe('default timings', () => {
  it('a SIGKILLed runner loses its attempt 30–40 s after its last heartbeat, and the job passes elsewhere', async () => {
    expect([defaults.RUNNER_LOST_AFTER_SECONDS, defaults.WATCHDOG_INTERVAL_SECONDS]).toEqual([30, 5]);
    const tenSeconds = { SWITCHYARD_RUNNER_PING_SECONDS: '10' }; // the runner's default, stated
    const doomed = await system.startRunner({ name: 'doomed', env: tenSeconds });
    runners.push(doomed);
    const repoRow = await system.db.prisma.repo.findUniqueOrThrow({ where: { name: 'defaults' } });
    const result = await triggerRun(system.services, {
      repo: { id: repoRow.id, cloneUrl: repoRow.cloneUrl, configPath: repoRow.configPath, defaultBranch: 'main' },
      trigger: 'push',
      sha: repo.sha(),
      branch: 'main',
    });
    if (result.outcome !== 'run_created') throw new Error(result.reason);
    const running = await waitFor(
      async () => {
        const j = await system.db.prisma.job.findFirst({
          where: { runId: result.run.id },
          include: { attempts: true },
        });
        return j?.status === 'running' ? j : null;
      },
      { timeoutMs: 30_000, what: 'the job to start' },
    );
    doomed.kill('SIGKILL');
    const killedAt = Date.now();
    runners.push(await system.startRunner({ name: 'rescuer', env: tenSeconds }));
    const done = await waitFor(
      async () => {
        const j = await system.db.prisma.job.findFirst({
          where: { id: running.id },
          include: { attempts: { orderBy: { number: 'asc' } } },
        });
        return j?.finishedAt ? j : null;
      },
      { timeoutMs: 70_000, intervalMs: 200, what: 'the job to finish on the rescuer' },
    );
    const lost = done.attempts[0]!;
    expect(lost.reason).toBe('lost');
    const silence = lost.finishedAt!.getTime() - lost.lastHeartbeatAt!.getTime();
    expect(silence).toBeGreaterThanOrEqual(30_000);
    expect(silence).toBeLessThanOrEqual(40_000);
    expect(lost.finishedAt!.getTime() - killedAt).toBeLessThanOrEqual(40_000);
    expect(done.status).toBe('success');
    expect(done.attempts.map((a) => a.reason)).toEqual(['lost', 'exit_code']);
    for (const r of runners) r.kill('SIGTERM');
  }, 120_000);
});
