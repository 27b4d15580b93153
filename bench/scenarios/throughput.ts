// Scenario 2: dispatch throughput. A backlog of no-op jobs in one pool is
// drained by simulated runners that speak the real runner protocol over HTTP
// to the real web server (claim → complete at once: the figure is about
// claims, not about running `true` in a sandbox), and compared with a bare
// SKIP LOCKED queue on the same database. Then the plan of pg-boss's fetch
// against a backlog that sits in other pools.
import fs from 'node:fs';
import os from 'node:os';
import { poolQueue } from '../../server/queue/queues';
import { until, type Scenario, type ScenarioContext } from '../harness/scenario';
import { summarize, type Figure } from '../harness/stats';
import type { BenchSystem } from '../harness/system';
import { claimCeiling, explainClaim, purgeQueues, sampleActivity } from './claim-ceiling';
import { breakdown, drain, registerRunners, type ClaimRecord } from './protocol-runners';

const POOL = 'bench-throughput';
const SCENARIO = '2 throughput';

/**
 * Simulated runners × claim loops each. What limits the drain on 2 cores is
 * the web server's one Node thread (a core busy, about 23 ms of its CPU per
 * job): 16 × 1 drained as fast as 4 × 4, 2 × 2 more slowly, and 8 × 4 no
 * faster but with twice the latency, its extra calls only queueing.
 */
const SHAPE = { runners: 4, loops: 4 };

/** A pipeline of one stage whose jobs go to the given pools. */
function pipeline(pools: string[]): string {
  const jobs = pools.map((pool, i) => `  j${i}: { stage: work, runs_on: ${pool}, script: ["true"] }`);
  return `stages: [work]\njobs:\n${jobs.join('\n')}\n`;
}

/** Runs `fn` for 0..count-1, `width` at a time. */
async function inParallel(width: number, count: number, fn: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < count) await fn(next++);
    }),
  );
}

/** Triggers `runs` runs of `repo` (4 at a time, as several pushes would) and waits until `queued()` reaches `expected`. */
async function trigger(
  ctx: ScenarioContext,
  repo: string,
  runs: number,
  expected: number,
  queued: () => Promise<number>,
) {
  const t0 = performance.now();
  await inParallel(4, runs, () => ctx.system.api.runs.trigger.mutate({ repo }));
  const triggeredMs = performance.now() - t0;
  await until(async () => (await queued()) >= expected, 600_000, `${expected} queued jobs of ${repo}`, 200);
  return { triggeredMs, queuedMs: performance.now() - t0 };
}

/** CPU seconds so far of the bench's descendants, by role (Linux /proc; clock ticks of 1/100 s). */
function cpuSeconds(system: BenchSystem): Record<string, number> {
  const roles = new Map<number, string>([[process.pid, 'bench (simulated runners)']]);
  const { web, scheduler, runner } = system.pids();
  if (web) roles.set(web, 'web');
  if (scheduler) roles.set(scheduler, 'scheduler');
  if (runner) roles.set(runner, 'local runner');
  const procs = new Map<number, { ppid: number; comm: string; ticks: number }>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      procs.set(Number(name), { ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // gone
    }
  }
  const out: Record<string, number> = {};
  for (const [pid, p] of procs) {
    let role: string | undefined = p.comm === 'postgres' ? 'postgres' : undefined;
    for (let at: number | undefined = pid; !role && at && at > 1; at = procs.get(at)?.ppid) role = roles.get(at);
    if (role) out[role] = (out[role] ?? 0) + p.ticks / 100;
  }
  return out;
}

/** Each job ended success after exactly one attempt, and no runner loop got the same job twice. */
async function verify(system: BenchSystem, records: ClaimRecord[], total: number) {
  const [row] = await system.prisma.$queryRaw<{ jobs: bigint; once: bigint; twice: bigint }[]>`
    SELECT count(*) AS jobs,
           count(*) FILTER (WHERE j.status = 'success' AND a.n = 1) AS once,
           count(*) FILTER (WHERE a.n > 1) AS twice
      FROM jobs j
      LEFT JOIN (SELECT job_id, count(*) AS n FROM job_attempts GROUP BY job_id) a ON a.job_id = j.id
     WHERE j.pool = ${POOL}`;
  const clientDuplicates = records.length - new Set(records.map((r) => r.jobId)).size;
  return {
    jobs: Number(row!.jobs),
    notSuccessOnce: total - Number(row!.once),
    claimedTwice: Number(row!.twice) + clientDuplicates,
  };
}

/** A backlog in other pools plus a few jobs in ours; the plan of pg-boss's fetch for our queue; then cancelled. */
async function claimPlan(ctx: ScenarioContext, otherJobs: number) {
  const { system } = ctx;
  const perRun = 100;
  const runs = Math.ceil(otherJobs / perRun);
  const others = Array.from({ length: perRun }, (_, i) => (i % 2 ? 'other-pool-b' : 'other-pool-a'));
  const repo = await system.addRepo('bench-throughput-mixed', {
    '.ci/pipeline.yml': pipeline([...others, POOL, POOL, POOL]),
  });
  const queuedIn = (pools: string[]) => system.prisma.job.count({ where: { pool: { in: pools }, status: 'queued' } });
  await trigger(ctx, repo.name, 1, perRun + 3, () => queuedIn([...new Set(others), POOL]));
  // Only the first run has jobs in the measured pool: the rest of the backlog is elsewhere.
  repo.commit({ '.ci/pipeline.yml': pipeline(others) });
  await trigger(ctx, repo.name, runs - 1, runs * perRun, () => queuedIn([...new Set(others)]));
  const plan = await explainClaim(system.dbUrl, poolQueue(POOL));
  const queued = { others: await queuedIn([...new Set(others)]), measured: await queuedIn([POOL]) };
  const ids = await system.prisma.pipelineRun.findMany({
    where: { pipeline: { repoId: repo.id } },
    select: { id: true },
  });
  await inParallel(4, ids.length, (i) => system.api.runs.cancel.mutate({ id: ids[i]!.id }));
  await until(
    async () => (await queuedIn([...new Set(others), POOL])) === 0,
    120_000,
    'the mixed backlog to be cancelled',
    200,
  );
  await purgeQueues(system.dbUrl, [...new Set(others), POOL].map(poolQueue));
  return { ...plan, queued };
}

export const throughput: Scenario = {
  id: 'throughput',
  title: 'dispatch throughput: a backlog drained over the runner protocol, against a bare SKIP LOCKED ceiling',
  async run(ctx) {
    const { system, quick, log } = ctx;
    // A fan-out of 50 per run: the jobs a loop claims at once mostly share a run, as a big pipeline's do.
    const jobsPerRun = 50;
    const runs = Math.round((quick ? 500 : 10_000) / jobsPerRun);
    const total = jobsPerRun * runs;

    const repo = await system.addRepo('bench-throughput', {
      '.ci/pipeline.yml': pipeline(Array(jobsPerRun).fill(POOL)),
    });
    const queuedHere = () => system.prisma.job.count({ where: { pool: POOL, status: 'queued' } });
    const backlog = await trigger(ctx, repo.name, runs, total, queuedHere);
    log(`backlog: ${total} jobs queued in ${(backlog.queuedMs / 1000).toFixed(1)} s (${runs} runs × ${jobsPerRun})`);

    // The same fetch with the whole backlog in its own queue: pg-boss's index orders by start_after, so the
    // fetch sorts every queued row of the queue to find the first by priority and age.
    const ownBacklogPlan = await explainClaim(system.dbUrl, poolQueue(POOL));

    const { runners, loops } = SHAPE;
    const workers = runners * loops;
    const apis = await registerRunners(system, { pool: POOL, count: runners, loops, prefix: 'throughput' });
    const loadBefore = os.loadavg()[0];
    const cpuBefore = cpuSeconds(system);
    const stopSampling = await sampleActivity(system.dbUrl);
    const drained = await drain(apis, loops, total, quick ? 120_000 : 900_000);
    const connections = await stopSampling();
    const cpuAfter = cpuSeconds(system);
    // Cores each role kept busy, and its CPU per drained job: on 2 cores, who is the bottleneck.
    const cpu = Object.fromEntries(
      Object.entries(cpuAfter).map(([k, v]) => {
        const used = v - (cpuBefore[k] ?? 0);
        return [k, { cores: +(used / drained.seconds).toFixed(2), msPerJob: +((used * 1000) / total).toFixed(1) }];
      }),
    );
    const latency = summarize(drained.records.map((r) => r.claimAnswered - r.claimSent));
    const completeLatency = summarize(drained.records.map((r) => r.completeAnswered - r.completeSent));
    log(
      `drain: ${drained.claimsPerSecond.toFixed(0)} claims/s with ${runners}×${loops} loops; claim p50 ${latency.p50.toFixed(1)} ms`,
    );
    const checked = await verify(system, drained.records, total);
    const parts = await breakdown(system, POOL, drained.records);

    const ceiling = await claimCeiling(system.dbUrl, total, workers);
    const ratio = drained.claimsPerSecond / ceiling.claimsPerSecond;
    log(
      `ceiling: ${ceiling.claimsPerSecond.toFixed(0)} claims/s with ${workers} connections; ratio ${ratio.toFixed(3)}`,
    );

    const plan = await claimPlan(ctx, quick ? 1_000 : 10_000);
    log(`claim plan: ${plan.usesIndex ? 'reads no backlog' : 'SCANS THE BACKLOG'} on partition ${plan.partition}`);

    const figures: Figure[] = [
      { scenario: SCENARIO, name: `backlog of ${total} jobs queued`, value: backlog.queuedMs / 1000, unit: 's' },
      {
        scenario: SCENARIO,
        name: `claims/s over the protocol (${runners} runners × ${loops} loops)`,
        value: drained.claimsPerSecond,
        unit: '/s',
        target: '≥ 80 % of ceiling',
        ratio,
        met: ratio >= 0.8,
      },
      {
        scenario: SCENARIO,
        name: `ceiling: bare SKIP LOCKED claims/s (${workers} connections)`,
        value: ceiling.claimsPerSecond,
        unit: '/s',
      },
      {
        scenario: SCENARIO,
        name: 'claims/s ÷ ceiling',
        value: ratio,
        unit: '',
        target: '≥ 0.80',
        ratio: ratio / 0.8,
        met: ratio >= 0.8,
      },
      {
        scenario: SCENARIO,
        name: 'web server CPU per job (claim + complete)',
        value: cpu.web?.msPerJob ?? NaN,
        unit: 'ms',
        note: `cores busy: web ${cpu.web?.cores}, postgres ${cpu.postgres?.cores}`,
      },
      { scenario: SCENARIO, name: 'claim latency p50 (request → answer)', value: latency.p50, unit: 'ms' },
      { scenario: SCENARIO, name: 'claim latency p99 (request → answer)', value: latency.p99, unit: 'ms' },
      {
        scenario: SCENARIO,
        name: 'jobs not ended success exactly once',
        value: checked.notSuccessOnce + checked.claimedTwice,
        unit: '',
        target: '0',
        met: checked.notSuccessOnce === 0 && checked.claimedTwice === 0,
      },
      {
        scenario: SCENARIO,
        name: 'claim plan reads no backlog (index, or a tiny partition)',
        value: plan.usesIndex ? 1 : 0,
        unit: '',
        target: '1',
        met: plan.usesIndex,
        note: `partition ${plan.partition}`,
      },
    ];
    return {
      figures,
      details: {
        backlog: { runs, jobsPerRun, total, triggeredMs: backlog.triggeredMs, queuedMs: backlog.queuedMs },
        drain: {
          shape: { ...SHAPE, workers },
          seconds: drained.seconds,
          claimsPerSecond: drained.claimsPerSecond,
          claimLatencyMs: latency,
          completeLatencyMs: completeLatency,
          emptyClaims: drained.empty,
          errors: { count: drained.errors.length, first: drained.errors.slice(0, 5) },
          verification: checked,
          whereTheTimeGoesMs: parts,
          cpuDuringDrain: cpu,
          loadAverageBefore: loadBefore,
          databaseConnectionsDuringDrain: connections,
        },
        ceiling: {
          workers,
          claims: ceiling.claims,
          claimsPerSecond: ceiling.claimsPerSecond,
          claimStatementMs: summarize(ceiling.claimMs),
        },
        ratio,
        claimPlan: plan,
        claimPlanWithOwnBacklog: ownBacklogPlan,
      },
    };
  },
};
