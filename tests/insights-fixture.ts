// A small history for the metrics and insights tests, made through the domain
// functions the real system uses (trigger, plan, claim, complete, deploy),
// with the clock passed in so durations and waits are known exactly:
//   A  push, unit passes, ship to production succeeds      → success, deployed
//   B  push, unit fails                                      → failed (broken build)
//   C  push, unit passes, the production rollout rolls back → failed (broken build)
//   D  push of a new config: unit (default) and lint (linux) → running, both queued
// plus runners: one online (default), one offline (linux), one disabled.
import type { Db } from '../server/db/client';
import { claimNext, type ClaimedJob } from '../server/domain/job/claim';
import { completeAttempt } from '../server/domain/job/complete';
import { finishDeployment, takeNextDeployment } from '../server/domain/deployment/rollout-records';
import { createRepo } from '../server/domain/repo/repos';
import {
  createRegistrationToken,
  registerRunner,
  type AuthenticatedRunner,
} from '../server/domain/runner/registration';
import { triggerRun } from '../server/domain/run/trigger-run';
import type { CreatedRun } from '../server/domain/run/create-run';
import { planRun } from '../server/scheduler/plan-run';
import { createGitRepo, type TestRepo } from './git-repo';
import type { TestServices } from './services';

const PIPELINE = `stages: [test, deploy]
jobs:
  unit: { stage: test, script: ["echo unit"], artifacts: { name: web, paths: [dist/] } }
  ship:
    stage: deploy
    needs: [unit]
    deploy: { environment: production, artifact: web, strategy: rolling, approval: none }
`;

const PIPELINE_TWO_POOLS = `stages: [test]
jobs:
  unit: { stage: test, script: ["echo unit"] }
  lint: { stage: test, runs_on: linux, script: ["echo lint"] }
`;

const S = 1000;

/** What the fixture did, in the figures a test checks against. */
export interface InsightsHistory {
  repo: TestRepo;
  pipelineId: string;
  runs: { a: CreatedRun; b: CreatedRun; c: CreatedRun; d: CreatedRun | null };
  /** Per attempt: queued → claimed, seconds. */
  claimLatencies: { pool: string; seconds: number }[];
  /** Per finished runner job: started → finished, seconds. */
  jobDurations: { pool: string; status: string; seconds: number }[];
  /** The first push; every stamp of the history is after it. */
  start: Date;
  /** The last stamp of the history. */
  end: Date;
  online: AuthenticatedRunner;
}

export async function makeInsightsHistory(
  db: Db,
  services: TestServices,
  start: Date,
  opts: {
    repoName?: string;
    /** Leave run D out (its jobs would stay queued for the next history's claims). */ withoutQueued?: boolean;
  } = {},
): Promise<InsightsHistory> {
  const at = (seconds: number) => new Date(start.getTime() + seconds * S);
  const repo = createGitRepo({ '.ci/pipeline.yml': PIPELINE });
  const created = await createRepo(db, services.box, { name: opts.repoName ?? 'metrics', cloneUrl: repo.url });
  const target = { id: created.id, cloneUrl: created.cloneUrl, configPath: created.configPath, defaultBranch: 'main' };
  const pipeline = await db.pipeline.findFirstOrThrow({ where: { repoId: created.id } });

  const reg = await createRegistrationToken(db, { description: `${opts.repoName ?? 'metrics'} test` }, at(0));
  const online = await registerRunner(
    db,
    { registrationToken: reg.token, name: 'online', pool: 'default' },
    new Date(),
  );
  await registerRunner(db, { registrationToken: reg.token, name: 'gone', pool: 'linux' }, at(0));
  const disabled = await registerRunner(db, { registrationToken: reg.token, name: 'off', pool: 'default' }, at(0));
  await db.runner.update({ where: { id: disabled.id }, data: { disabledAt: at(0) } });

  const claimLatencies: InsightsHistory['claimLatencies'] = [];
  const jobDurations: InsightsHistory['jobDurations'] = [];

  const push = async (t: number, pushedBefore: number): Promise<CreatedRun> => {
    const result = await triggerRun(
      { ...services, now: () => at(t) },
      { repo: target, trigger: 'push', sha: repo.sha(), branch: 'main', actor: 'dev', pushedAt: at(t - pushedBefore) },
    );
    if (result.outcome !== 'run_created') throw new Error(result.reason);
    const planned = await planRun(
      { ...services, now: () => at(t) },
      { runId: result.run.id, createdAt: result.run.createdAt.toISOString() },
    );
    if (!planned) throw new Error(`run ${result.run.number} was not planned (${result.run.status})`);
    return result.run;
  };
  const claim = async (run: CreatedRun, t: number): Promise<ClaimedJob> => {
    const claimed = await claimNext(db, services.boss, online, () => at(t));
    if (claimed?.runId !== run.id)
      throw new Error(`expected run ${run.number}'s job at +${t}s, claimed ${claimed?.runId}`);
    const job = await db.job.findFirstOrThrow({ where: { id: claimed.jobId } });
    claimLatencies.push({ pool: job.pool, seconds: (at(t).getTime() - job.queuedAt!.getTime()) / S });
    return claimed;
  };
  const finish = async (claimed: ClaimedJob, startedAt: number, t: number, exitCode: number) => {
    await completeAttempt(db, services.enqueue, { token: claimed.token, exitCode, reason: 'exit_code' }, at(t));
    jobDurations.push({ pool: 'default', status: exitCode === 0 ? 'success' : 'failed', seconds: t - startedAt });
  };
  const deploy = async (t: number, outcome: 'success' | 'rolled_back', t2: number) => {
    const dep = await takeNextDeployment(db, at(t), 60 * S);
    if (!dep) throw new Error(`no deployment to take at +${t}s`);
    await finishDeployment(
      db,
      services.enqueue,
      dep,
      outcome,
      outcome === 'success' ? 'healthy' : 'error rate over the limit',
      at(t2),
    );
  };

  const a = await push(0, 30);
  await finish(await claim(a, 2), 2, 47, 0); // waits 2 s, runs 45 s
  await deploy(50, 'success', 110);
  const b = await push(200, 10);
  await finish(await claim(b, 200.3), 200.3, 212.3, 1); // waits 0.3 s, fails after 12 s
  const c = await push(400, 20);
  await finish(await claim(c, 440), 440, 640, 0); // waits 40 s, runs 200 s
  await deploy(645, 'rolled_back', 700);
  let d: CreatedRun | null = null;
  if (!opts.withoutQueued) {
    repo.commit({ '.ci/pipeline.yml': PIPELINE_TWO_POOLS }, 'lint on linux');
    d = await push(800, 5);
  }
  return {
    repo,
    pipelineId: pipeline.id,
    runs: { a, b, c, d },
    claimLatencies,
    jobDurations,
    start,
    end: at(800),
    online,
  };
}
