// Scenario 6: push → run finished for a 3-stage, 5-job no-op pipeline (the
// overhead beyond the jobs' own runtime is the figure that matters), and mean
// time to detect for a pipeline whose test job fails after 1 s.
import type { Scenario } from '../harness/scenario';
import { until } from '../harness/scenario';
import { atMost, summarize, type Figure } from '../harness/stats';
import type { BenchSystem } from '../harness/system';

const GREEN = `stages: [build, test, deploy]
default: { runs_on: bench-e2e }
jobs:
  compile: { stage: build, script: ["true"] }
  unit: { stage: test, needs: [compile], script: ["true"] }
  lint: { stage: test, needs: [compile], script: ["true"] }
  e2e: { stage: test, needs: [compile], script: ["true"] }
  ship: { stage: deploy, needs: [unit, lint, e2e], script: ["true"] }
`;

const RED = `stages: [build, test]
default: { runs_on: bench-e2e }
jobs:
  compile: { stage: build, script: ["true"] }
  test: { stage: test, needs: [compile], script: ["sleep 1", "exit 1"] }
`;

type Timed = { name: string; needs: string[]; startedAt: Date | null; finishedAt: Date | null };

/** The longest chain of job durations (what the run could not go faster than). */
function criticalPathMs(jobs: Timed[]): number {
  const byName = new Map(jobs.map((j) => [j.name, j]));
  const memo = new Map<string, number>();
  const longest = (name: string): number => {
    if (memo.has(name)) return memo.get(name)!;
    const j = byName.get(name)!;
    const own = j.startedAt && j.finishedAt ? j.finishedAt.getTime() - j.startedAt.getTime() : 0;
    const v = own + Math.max(0, ...j.needs.map(longest));
    memo.set(name, v);
    return v;
  };
  return Math.max(...jobs.map((j) => longest(j.name)));
}

async function pushAndFinish(system: BenchSystem, repo: Awaited<ReturnType<BenchSystem['addRepo']>>, i: number) {
  const sha = repo.commit({ 'iteration.txt': String(i) });
  const t0 = Date.now();
  const hook = await system.pushWebhook(repo, sha);
  if (hook.status !== 202) throw new Error(`webhook answered ${hook.status}`);
  const run = await until(
    () =>
      system.prisma.pipelineRun.findFirst({
        where: { commitSha: sha, finishedAt: { not: null } },
        include: { jobs: { select: { name: true, needs: true, startedAt: true, finishedAt: true } } },
      }),
    60_000,
    'the run to finish',
    10,
  );
  return { t0, run };
}

export const endToEnd: Scenario = {
  id: 'e2e',
  title: 'end to end: push → run finished (5 jobs), and mean time to detect',
  async run({ system, quick, log }) {
    const runs = quick ? 3 : 20;
    await system.startRunner({ name: 'bench-e2e', pool: 'bench-e2e', concurrency: 3 });
    const green = await system.addRepo('bench-e2e-green', { '.ci/pipeline.yml': GREEN });
    const total: number[] = [];
    const overhead: number[] = [];
    for (let i = 0; i < runs; i++) {
      const { t0, run } = await pushAndFinish(system, green, i);
      if (run.status !== 'success') throw new Error(`the green pipeline ended ${run.status}`);
      const ms = run.finishedAt!.getTime() - t0;
      total.push(ms);
      overhead.push(ms - criticalPathMs(run.jobs));
    }
    const red = await system.addRepo('bench-e2e-red', { '.ci/pipeline.yml': RED });
    const detect: number[] = [];
    for (let i = 0; i < (quick ? 2 : 5); i++) {
      const { run } = await pushAndFinish(system, red, i);
      if (!run.failedAt || !run.pushedAt) throw new Error('the red run has no failed_at or pushed_at');
      detect.push(run.failedAt.getTime() - run.pushedAt.getTime());
    }
    const t = summarize(total);
    const o = summarize(overhead);
    const d = summarize(detect);
    log(`push → finished p50 ${t.p50} ms (overhead ${o.p50} ms); time to detect mean ${d.mean.toFixed(0)} ms`);
    const scenario = '6 end to end';
    const figures: Figure[] = [
      { scenario, name: 'push → 5-job run finished p50', value: t.p50, unit: 'ms' },
      atMost({ scenario, name: 'overhead beyond the jobs’ own runtime p50', value: o.p50, unit: 'ms' }, 1000),
      {
        scenario,
        name: 'mean time to detect (test fails after 1 s)',
        value: d.mean,
        unit: 'ms',
        note: 'includes the 1 s',
      },
    ];
    return { figures, details: { runs, total: t, overhead: o, timeToDetect: d } };
  },
};
