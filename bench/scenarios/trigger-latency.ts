// Scenario 1: a signed GitHub push webhook → the first job claimed by an idle
// runner → its first log line received by a live-tail subscriber (the UI's
// subscription). Sequential triggers; each is split into its parts, from the
// server's own timestamps, so the slow part shows.
import type { Scenario } from '../harness/scenario';
import { until } from '../harness/scenario';
import { atMost, summarize, type Figure } from '../harness/stats';

const PIPELINE = `jobs:
  hello:
    runs_on: bench-trigger
    script: ["echo first line"]
`;

export const trigger: Scenario = {
  id: 'trigger',
  title: 'trigger latency: webhook → claim → first log line at a subscriber',
  async run({ system, quick, log }) {
    const n = quick ? 10 : 100;
    const repo = await system.addRepo('bench-trigger', { '.ci/pipeline.yml': PIPELINE });
    await system.startRunner({ name: 'bench-trigger', pool: 'bench-trigger', concurrency: 1 });
    await new Promise((r) => setTimeout(r, 1_000)); // the runner waits in its long poll

    const parts = { webhook: [] as number[], config: [] as number[], planning: [] as number[], claim: [] as number[] };
    const toClaim: number[] = [];
    const toLogLine: number[] = [];
    for (let i = 0; i < n; i++) {
      const sha = repo.commit({ 'iteration.txt': String(i) });
      const t0 = Date.now();
      const hook = await system.pushWebhook(repo, sha);
      if (hook.status !== 202 && hook.status !== 200) throw new Error(`webhook answered ${hook.status}`);
      const run = await until(
        () => system.prisma.pipelineRun.findFirst({ where: { commitSha: sha }, select: { id: true, createdAt: true } }),
        10_000,
        'the run',
      );
      const job = await until(
        () => system.prisma.job.findFirst({ where: { runId: run.id }, select: { id: true } }),
        10_000,
        'the job',
      );
      // Subscribe as the page does; the first chunk's arrival is the moment a person sees the job's output.
      const firstLine = new Promise<number>((resolve, reject) => {
        const sub = system.api.jobs.logTail.subscribe(
          { id: job.id, attempt: 1, afterSeq: -1 },
          {
            onData: (event) => {
              if (event.data.kind === 'chunk') {
                resolve(Date.now());
                sub.unsubscribe();
              }
            },
            onError: reject,
          },
        );
      });
      const seen = await firstLine;
      const timing = await until(
        () =>
          system.prisma.job.findFirst({
            where: { id: job.id, queuedAt: { not: null } },
            select: { queuedAt: true, attempts: { select: { startedAt: true } } },
          }),
        10_000,
        'job timestamps',
      );
      const claimed = timing.attempts[0]!.startedAt!.getTime();
      parts.webhook.push(hook.ms);
      parts.config.push(run.createdAt.getTime() - t0);
      parts.planning.push(timing.queuedAt!.getTime() - run.createdAt.getTime());
      parts.claim.push(claimed - timing.queuedAt!.getTime());
      toClaim.push(claimed - t0);
      toLogLine.push(seen - t0);
      await until(
        () => system.prisma.pipelineRun.findFirst({ where: { id: run.id, finishedAt: { not: null } } }),
        30_000,
        'the run to finish',
      );
    }
    const claim = summarize(toClaim);
    const line = summarize(toLogLine);
    const s = (x: number[]) => summarize(x);
    log(`trigger → claim p50 ${claim.p50} ms, p99 ${claim.p99} ms; → first log line p50 ${line.p50} ms`);
    const scenario = '1 trigger';
    const figures: Figure[] = [
      atMost({ scenario, name: 'trigger → claim p50', value: claim.p50, unit: 'ms' }, 25),
      { scenario, name: 'trigger → claim p90', value: claim.p90, unit: 'ms' },
      atMost({ scenario, name: 'trigger → claim p99', value: claim.p99, unit: 'ms' }, 100),
      { scenario, name: 'trigger → claim max', value: claim.max, unit: 'ms' },
      { scenario, name: 'trigger → first log line at subscriber p50', value: line.p50, unit: 'ms' },
      { scenario, name: 'trigger → first log line at subscriber p99', value: line.p99, unit: 'ms' },
      { scenario, name: 'part: webhook answered p50', value: s(parts.webhook).p50, unit: 'ms' },
      { scenario, name: 'part: push → run created (config at SHA) p50', value: s(parts.config).p50, unit: 'ms' },
      { scenario, name: 'part: run created → job queued (planning) p50', value: s(parts.planning).p50, unit: 'ms' },
      { scenario, name: 'part: queued → claimed p50', value: s(parts.claim).p50, unit: 'ms' },
      { scenario, name: 'part: queued → claimed p99', value: s(parts.claim).p99, unit: 'ms' },
    ];
    return {
      figures,
      details: {
        triggers: n,
        triggerToClaim: claim,
        triggerToFirstLogLine: line,
        parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, summarize(v)])),
      },
    };
  },
};
