// The log pipeline end to end: a job prints numbered lines as fast as `seq`
// can; the runner stamps each line when it sees it and ships numbered chunks
// over HTTP; the web server stores them and wakes live tails with a NOTIFY; a
// subscriber on the dashboard's own subscription (jobs.logTail over SSE)
// receives them. The runner's stamp and the receive time come from the same
// machine's clock, so their difference is each line's whole trip.
import { splitStamp } from '../../server/contracts/log-format';
import type { ChildProcess } from 'node:child_process';
import { until, type Scenario } from '../harness/scenario';
import { atMost, summarize, type Figure } from '../harness/stats';
import type { BenchSystem } from '../harness/system';

const SCENARIO = '3 logs';
const POOL = 'bench-logs';
const P50_TARGET_MS = 150;
const P99_TARGET_MS = 500;

/** Triggers a manual run of a one-job pipeline; returns once the scheduler has planned its job. */
export async function triggerOneJob(system: BenchSystem, repo: string): Promise<{ runId: string; jobId: string }> {
  const run = await system.api.runs.trigger.mutate({ repo });
  const job = await until(
    () => system.prisma.job.findFirst({ where: { runId: run.id }, select: { id: true } }),
    30_000,
    `the job of run ${run.id}`,
  );
  return { runId: run.id, jobId: job.id };
}

/** Stops a runner this scenario started and waits for it, so the next scenario starts on a quiet system. */
export async function stopRunner(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** What a live tail saw of the numbered lines: their order, and per line its stamp and arrival. */
interface Followed {
  numbers: number[];
  latenciesMs: number[];
  firstStampMs: number;
  lastStampMs: number;
  lastReceivedMs: number;
  chunks: number;
  ended: boolean;
}

/**
 * Follows attempt 1 of a job from its first chunk until the server says it is
 * over. A chunk may end mid-line (chunks are cut at 64 KiB), so the rest of
 * the line waits for the next chunk and counts as received when it completes.
 */
export function followLog(system: BenchSystem, jobId: string, timeoutMs: number): Promise<Followed> {
  const seen: Followed = {
    numbers: [],
    latenciesMs: [],
    firstStampMs: NaN,
    lastStampMs: NaN,
    lastReceivedMs: NaN,
    chunks: 0,
    ended: false,
  };
  let partial = '';
  return new Promise((resolve, reject) => {
    const finish = (err?: Error) => {
      clearTimeout(timer);
      sub.unsubscribe();
      if (err) reject(err);
      else resolve(seen);
    };
    const timer = setTimeout(
      () => finish(new Error(`the live tail did not end within ${timeoutMs} ms (${seen.numbers.length} lines)`)),
      timeoutMs,
    );
    const sub = system.api.jobs.logTail.subscribe(
      { id: jobId, attempt: 1, afterSeq: -1 },
      {
        onData({ data }) {
          const now = Date.now();
          if (data.kind === 'end') {
            seen.ended = true;
            finish();
            return;
          }
          seen.chunks++;
          const lines = (partial + data.chunk.text).split('\n');
          partial = lines.pop()!;
          for (const line of lines) {
            const { at, text } = splitStamp(line);
            if (at === null || !/^\d+$/.test(text)) continue; // the "$ seq …" echo and blank lines
            const stamp = Date.parse(at);
            if (seen.numbers.length === 0) seen.firstStampMs = stamp;
            seen.numbers.push(Number(text));
            seen.latenciesMs.push(now - stamp);
            seen.lastStampMs = stamp;
            seen.lastReceivedMs = now;
          }
        },
        onError: (err) => finish(err instanceof Error ? err : new Error(String(err))),
        onComplete: () => finish(),
      },
    );
  });
}

/** The numbered lines of a stored log: whether they are exactly 1..n in order. */
export function isExactly1ToN(numbers: Iterable<number>, n: number): boolean {
  let expected = 1;
  for (const x of numbers) if (x !== expected++) return false;
  return expected === n + 1;
}

export function numberedLines(stamped: string): number[] {
  const out: number[] = [];
  for (const line of stamped.split('\n')) {
    const { text } = splitStamp(line);
    if (/^\d+$/.test(text)) out.push(Number(text));
  }
  return out;
}

export const logs: Scenario = {
  id: 'logs',
  title: 'log pipeline: a job floods its log; a live tail follows it',
  async run({ system, quick, log }) {
    const lines = quick ? 20_000 : 200_000;
    // `sleep 1` first: the subscriber is connected before the first line, so no
    // line is counted late for having been read from the backlog.
    const repo = await system.addRepo('bench-logs', {
      '.ci/pipeline.yml': `jobs:\n  flood:\n    runs_on: ${POOL}\n    script:\n      - sleep 1\n      - seq 1 ${lines}\n`,
    });
    const runner = await system.startRunner({ name: 'bench-logs-runner', pool: POOL, concurrency: 1 });
    try {
      const { runId, jobId } = await triggerOneJob(system, repo.name);
      const followed = await followLog(system, jobId, quick ? 120_000 : 600_000);
      const job = await until(
        () => system.prisma.job.findFirst({ where: { id: jobId, finishedAt: { not: null } } }),
        30_000,
        'the flood job to finish',
        50,
      );
      const stored = await system.api.jobs.log.query({ id: jobId, attempt: 1 });
      const storedComplete = isExactly1ToN(numberedLines(stored.text), lines);
      const liveComplete = isExactly1ToN(followed.numbers, lines);
      const latency = summarize(followed.latenciesMs);
      const seconds = (followed.lastReceivedMs - followed.firstStampMs) / 1000;
      const rate = followed.numbers.length / seconds;
      log(
        `logs: ${followed.numbers.length} lines in ${seconds.toFixed(2)} s over ${followed.chunks} chunks; p50 ${latency.p50} ms, p99 ${latency.p99} ms`,
      );
      const figures: Figure[] = [
        { scenario: SCENARIO, name: `lines per second, end to end (${lines} lines)`, value: rate, unit: 'lines/s' },
        atMost(
          { scenario: SCENARIO, name: 'line emitted → received p50', value: latency.p50, unit: 'ms' },
          P50_TARGET_MS,
        ),
        atMost(
          { scenario: SCENARIO, name: 'line emitted → received p99', value: latency.p99, unit: 'ms' },
          P99_TARGET_MS,
        ),
        {
          scenario: SCENARIO,
          name: 'stored log complete and in order',
          value: storedComplete ? 1 : 0,
          unit: '',
          target: '= 1',
          met: storedComplete,
        },
      ];
      return {
        figures,
        details: {
          lines,
          runId,
          jobId,
          jobStatus: job.status,
          chunks: followed.chunks,
          receivedLines: followed.numbers.length,
          liveTailComplete: liveComplete,
          liveTailEnded: followed.ended,
          storedComplete,
          // How long the runner took to see every line: the rest of the end-to-end time is shipping.
          runnerSpanSeconds: (followed.lastStampMs - followed.firstStampMs) / 1000,
          endToEndSeconds: seconds,
          latencyMs: latency,
        },
      };
    } finally {
      await stopRunner(runner);
    }
  },
};
