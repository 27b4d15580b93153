// Retries, cancellation and lost runners, with real runner processes: a flaky
// job passes on its second try; cancel kills a job's whole process tree; a
// runner killed (SIGKILL) or frozen (SIGSTOP) mid-job loses its attempt, its
// late result is refused, and the job runs to success once elsewhere; four
// losses in a row fail the job as dead-lettered; a draining runner finishes
// its job and exits.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../tests/db';
import { startTestSystem, type PipelineRepo, type TestSystem } from '../../tests/system';
import { cancelRun } from '../domain/job/control';
import { createRegistrationToken, registerRunner } from '../domain/runner/registration';

let system: TestSystem;
let repo: PipelineRepo;
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-recovery-'));

const push = async (config: string) => (await repo.push(config)).run;

const jobOf = (runId: string, name: string) =>
  system.db.prisma.job.findFirstOrThrow({
    where: { runId, name },
    include: { attempts: { orderBy: { number: 'asc' } } },
  });

const until = <T>(what: string, fn: () => Promise<T | null | undefined>, timeoutMs = 30_000) =>
  waitFor(fn, { timeoutMs, what });

function processesWith(marker: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

beforeAll(async () => {
  system = await startTestSystem();
  repo = await system.addRepo('recovery');
});
// Each test's runners stop with it, so a failing test cannot leave one behind to take the next test's jobs.
const started: ChildProcess[] = [];
async function runner(name: string) {
  const child = await system.startRunner({ name });
  started.push(child);
  return child;
}
afterEach(async () => {
  for (const child of started.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});
afterAll(async () => {
  await system?.stop();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('retries and cancel', () => {
  it('a job failing once with exit code 1 and retry max 2 passes on the second try', async () => {
    await runner('retry-runner');
    const run = await push(`jobs:
  flaky:
    script: ['if [ "$CI_JOB_ATTEMPT" = 1 ]; then echo first try fails; exit 1; fi', "echo second try passes"]
    retry: { max: 2, when: [exit_code] }
`);
    const job = await until('flaky to finish', async () => {
      const j = await jobOf(run.id, 'flaky');
      return j.finishedAt ? j : null;
    });
    expect(job.status).toBe('success');
    expect(job.attempts.map((a) => [a.number, a.reason, a.exitCode])).toEqual([
      [1, 'exit_code', 1],
      [2, 'exit_code', 0],
    ]);
    expect(await system.services.logs.read(job.id, 1)).toContain('first try fails');
    expect(await system.services.logs.read(job.id, 2)).toContain('second try passes');
  });

  it('a draining runner (SIGUSR2) finishes the job it runs, takes no other, and exits', async () => {
    const child = await runner('drain-runner');
    const run = await push(`jobs:
  first:
    script: ["sleep 2", "echo first done"]
  second:
    script: ["echo second done"]
    needs: [first]
`);
    await until('first to run', async () => {
      const j = await jobOf(run.id, 'first');
      return j.status === 'running' ? j : null;
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGUSR2');
    expect(await exited).toBe(0);
    const first = await jobOf(run.id, 'first');
    expect(first.status).toBe('success');
    expect(first.attempts.map((a) => [a.number, a.reason, a.exitCode])).toEqual([[1, 'exit_code', 0]]);
    // The job the finished one unlocked waits for another runner.
    const second = await until('second to be queued', async () => {
      const j = await jobOf(run.id, 'second');
      return j.status === 'queued' ? j : null;
    });
    expect(second.attempts).toHaveLength(0);
    await runner('after-drain-runner');
    expect((await system.finished(run.id)).status).toBe('success');
  });

  it('cancel stops a running job and its whole process tree within 10 s', async () => {
    await runner('cancel-runner');
    const marker = `${Math.floor(Math.random() * 1000) + 100}.${Math.floor(Math.random() * 1000)}`;
    const run = await push(`jobs:
  long:
    script: ["sleep ${marker} & sleep ${marker} & sh -c 'sleep ${marker}' & wait"]
`);
    await until('the job to run', async () => processesWith(`sleep ${marker}`).length >= 3 || null);
    const started = Date.now();
    await cancelRun(system.db.prisma, system.services.enqueue, run.id, { actor: 'dev@example.com' }, new Date());
    await until(
      'the process tree to be gone',
      async () => processesWith(`sleep ${marker}`).length === 0 || null,
      10_000,
    );
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(10_000);
    const job = await until('the attempt to be recorded', async () => {
      const j = await jobOf(run.id, 'long');
      return j.attempts[0]?.finishedAt ? j : null;
    });
    expect(job.status).toBe('cancelled');
    expect(job.attempts[0]!.reason).toBe('cancelled');
    const runRow = await system.db.prisma.pipelineRun.findFirstOrThrow({ where: { id: run.id } });
    expect(runRow.status).toBe('cancelled');
    const events = await system.db.prisma.runEvent.findMany({ where: { jobId: job.id, toStatus: 'cancelled' } });
    expect(events).toMatchObject([{ actor: 'dev@example.com', reason: 'run cancelled' }]);
  });
});

describe('lost runners', () => {
  it('a runner killed with SIGKILL mid-job: the attempt is lost and the job passes on another runner', async () => {
    const doomed = await runner('doomed');
    const run = await push(`jobs:
  work:
    script: ["sleep 2", "echo finished by $HOSTNAME"]
`);
    const running = await until('the job to start on the doomed runner', async () => {
      const j = await jobOf(run.id, 'work');
      return j.status === 'running' ? j : null;
    });
    expect(running.attempts).toHaveLength(1);
    doomed.kill('SIGKILL');
    const killedAt = Date.now();
    await runner('rescuer');
    const job = await until('the job to finish elsewhere', async () => {
      const j = await jobOf(run.id, 'work');
      return j.finishedAt ? j : null;
    });
    expect(job.status).toBe('success');
    expect(job.attempts.map((a) => a.reason)).toEqual(['lost', 'exit_code']);
    const lostAfter = job.attempts[0]!.finishedAt!.getTime() - killedAt;
    expect(lostAfter).toBeGreaterThanOrEqual(1_500); // the last heartbeat was at most 1 s before the kill
    expect(job.lostCount).toBe(1);
    const runners = await system.db.prisma.runner.findMany({
      where: { id: { in: job.attempts.map((a) => a.runnerId!) } },
    });
    expect(runners.map((r) => r.name).sort()).toEqual(['doomed', 'rescuer']);
  });

  it('a runner frozen with SIGSTOP past the deadline: its late result is refused and the job ran once elsewhere', async () => {
    const frozen = await runner('frozen');
    const run = await push(`jobs:
  once:
    script: ["sleep 2", 'echo "ran attempt $CI_JOB_ATTEMPT"']
`);
    const first = await until('the job to start on the frozen runner', async () => {
      const j = await jobOf(run.id, 'once');
      return j.status === 'running' ? j : null;
    });
    const frozenRow = await system.db.prisma.runner.findFirstOrThrow({ where: { name: 'frozen' } });
    expect(first.attempts[0]!.runnerId).toBe(frozenRow.id);
    frozen.kill('SIGSTOP');
    await runner('thawed-elsewhere');
    const job = await until('the job to finish elsewhere', async () => {
      const j = await jobOf(run.id, 'once');
      return j.finishedAt ? j : null;
    });
    expect(job.status).toBe('success');
    frozen.kill('SIGCONT'); // it finishes its copy and reports: refused
    await new Promise((r) => setTimeout(r, 3_500));
    const after = await jobOf(run.id, 'once');
    expect(after.status).toBe('success');
    expect(after.attempts.map((a) => a.reason)).toEqual(['lost', 'exit_code']);
    expect(after.attempts[0]!.exitCode).toBeNull(); // the frozen runner's result was not recorded
    expect(await system.services.logs.read(after.id, 2)).toContain('ran attempt 2');
  });

  it('four losses in a row fail the job as dead-lettered', async () => {
    const reg = await createRegistrationToken(system.db.prisma, {}, new Date());
    const silent = await registerRunner(
      system.db.prisma,
      { registrationToken: reg.token, name: 'silent', pool: 'silent' },
      new Date(),
    );
    const run = await push(`jobs:
  unlucky:
    runs_on: silent
    script: ["echo never finishes"]
`);
    const silentRunner = { id: silent.id, name: silent.name, pool: 'silent' };
    for (let loss = 1; loss <= 4; loss++) {
      // Claims as a runner would, then falls silent: no heartbeat, no result.
      const claimed = await until(`claim ${loss}`, () => system.services.claim(silentRunner, 1_000), 20_000);
      expect(claimed.attempt).toBe(loss);
      await until(
        `loss ${loss}`,
        async () => ((await jobOf(run.id, 'unlucky')).lostCount === loss ? true : null),
        20_000,
      );
    }
    const job = await jobOf(run.id, 'unlucky');
    expect(job).toMatchObject({ status: 'failed', deadLettered: true, lostCount: 4 });
    expect(job.statusReason).toMatch(/lost its runner 4 times.*dead-lettered/);
    expect(job.attempts.map((a) => a.reason)).toEqual(['lost', 'lost', 'lost', 'lost']);
    const runRow = await system.db.prisma.pipelineRun.findFirstOrThrow({ where: { id: run.id } });
    expect(runRow.status).toBe('failed');
  });
});
