// Simulated runners for the throughput scenario: real runner tokens, the real
// protocol over HTTP to the real web server (runner.claim, then at once
// runner.complete with exit code 0), but no process, sandbox or log per job,
// so what is measured is the server's dispatch path.
import { createRegistrationToken } from '../../server/domain/runner/registration';
import { createServerApi, type ServerApi } from '../../runner/api';
import { summarize } from '../harness/stats';
import type { BenchSystem } from '../harness/system';

/** One job through the protocol, in the runner's clock (epoch ms). */
export interface ClaimRecord {
  jobId: string;
  claimSent: number;
  claimAnswered: number;
  completeSent: number;
  completeAnswered: number;
}

const wall = () => performance.timeOrigin + performance.now();

/** Registers `count` runners in `pool` with a registration token, as `switchyard runner` does. */
export async function registerRunners(
  system: BenchSystem,
  opts: { pool: string; count: number; loops: number; prefix: string },
): Promise<ServerApi[]> {
  const reg = await createRegistrationToken(system.prisma, { maxUses: opts.count, pool: opts.pool }, new Date());
  const anonymous = createServerApi(system.url, () => undefined);
  const apis: ServerApi[] = [];
  for (let i = 0; i < opts.count; i++) {
    const { token } = await anonymous.runner.register.mutate({
      registrationToken: reg.token,
      name: `${opts.prefix}-${i + 1}`,
      pool: opts.pool,
      concurrency: opts.loops,
    });
    apis.push(createServerApi(system.url, () => token));
  }
  return apis;
}

export interface Drained {
  records: ClaimRecord[];
  errors: string[];
  /** Claims answered with no job (the queue was momentarily empty for that loop). */
  empty: number;
  /** First claim sent → last claim answered. */
  seconds: number;
  claimsPerSecond: number;
}

/** `loops` claim loops per runner claim and complete at once until `total` jobs are done or the deadline passes. */
export async function drain(apis: ServerApi[], loops: number, total: number, timeoutMs: number): Promise<Drained> {
  const records: ClaimRecord[] = [];
  const errors: string[] = [];
  let empty = 0;
  const deadline = Date.now() + timeoutMs;
  const loop = async (api: ServerApi) => {
    while (records.length < total && Date.now() < deadline) {
      const claimSent = wall();
      try {
        // A short wait: near the end, a loop with nothing to take is held by the server instead of spinning.
        const job = await api.runner.claim.mutate({ waitMs: 200 });
        const claimAnswered = wall();
        if (!job) {
          empty++;
          continue;
        }
        const completeSent = wall();
        await api.runner.complete.mutate({ token: job.token, exitCode: 0, reason: 'exit_code' });
        records.push({ jobId: job.jobId, claimSent, claimAnswered, completeSent, completeAnswered: wall() });
      } catch (err) {
        errors.push((err as Error).message);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  await Promise.all(apis.flatMap((api) => Array.from({ length: loops }, () => loop(api))));
  if (records.length < total) {
    const seen = errors.slice(0, 5).join('; ') || 'none';
    throw new Error(`drained ${records.length} of ${total} jobs before the deadline; errors: ${seen}`);
  }
  const first = Math.min(...records.map((r) => r.claimSent));
  const seconds = (Math.max(...records.map((r) => r.claimAnswered)) - first) / 1000;
  return { records, errors, empty, seconds, claimsPerSecond: records.length / seconds };
}

/**
 * Where a claim-and-complete cycle's time goes, split by the server's own
 * stamps (same machine, same clock; stamps are whole ms): the attempt's
 * started_at is taken after the queue fetch, just before the claim
 * transaction; its finished_at after the token lookup and the log finish,
 * just before the complete transaction.
 */
export async function breakdown(system: BenchSystem, pool: string, records: ClaimRecord[]) {
  const attempts = await system.prisma.jobAttempt.findMany({
    where: { job: { pool } },
    select: { jobId: true, startedAt: true, finishedAt: true },
  });
  const byJob = new Map(attempts.map((a) => [a.jobId, a]));
  const parts = {
    'claim: request → job fetched (HTTP in, auth, runner touch, pg-boss fetch)': [] as number[],
    'claim: job fetched → answer (claim transaction, queue complete, job inputs, HTTP out)': [] as number[],
    'complete: request → transaction (HTTP in, token lookup, log finish)': [] as number[],
    'complete: transaction → answer (run lock, advance, roll-ups, HTTP out)': [] as number[],
  };
  const [a, b, c, d] = Object.values(parts);
  for (const r of records) {
    const s = byJob.get(r.jobId);
    if (!s?.startedAt || !s.finishedAt) continue;
    a!.push(s.startedAt.getTime() - r.claimSent);
    b!.push(r.claimAnswered - s.startedAt.getTime());
    c!.push(s.finishedAt.getTime() - r.completeSent);
    d!.push(r.completeAnswered - s.finishedAt.getTime());
  }
  return Object.fromEntries(
    Object.entries(parts).map(([k, v]) => {
      const s = summarize(v);
      return [k, { mean: +s.mean.toFixed(1), p50: +s.p50.toFixed(1), p99: +s.p99.toFixed(1) }];
    }),
  );
}
