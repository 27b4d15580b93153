// Recovery from failures, timed on the real system:
// 1. a runner killed with SIGKILL mid-job (no goodbye, like a crashed
//    machine): how long until the watchdog marks its attempt lost, and until
//    another runner has claimed the job again. Both moments are the server's
//    own timestamps (job_attempts), on the same clock as the kill.
// 2. a web server restart in the middle of a log stream loses no line. The
//    bench system's web server is supervised by scripts/start.ts, which stops
//    everything when it exits, so this part runs on a second, standalone
//    system (tests/system.ts) in its own database of the same cluster.
import fs from 'node:fs';
import pg from 'pg';
import { createPrisma } from '../../server/db/client';
import { ensurePartitions, migrate } from '../../server/db/migrate';
import { migrationsDir } from '../../server/db/paths';
import { installQueue } from '../../server/queue/boss';
import { startSystemOn } from '../../tests/system';
import { until, type Scenario } from '../harness/scenario';
import { atMost, type Figure } from '../harness/stats';
import type { BenchSystem } from '../harness/system';
import { isExactly1ToN, numberedLines, stopRunner, triggerOneJob } from './log-pipeline';

const SCENARIO = '4 recovery';
const POOL = 'bench-recovery';
const TOTAL_TARGET_S = 35;
/** Killed this long after the job started: between two heartbeats (every 10 s), as a crash usually is. */
const KILL_AFTER_MS = 5_000;

/** Every process below `pid` (the runner's job shell and its `sleep`), read from /proc. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent !== p) continue;
      out.push(child);
      walk(child);
    }
  };
  walk(pid);
  return out;
}

async function runnerKilled(system: BenchSystem, log: (line: string) => void) {
  await system.addRepo('bench-recovery', {
    '.ci/pipeline.yml': `jobs:\n  long:\n    runs_on: ${POOL}\n    script:\n      - sleep 120\n`,
  });
  const first = await system.startRunner({ name: 'bench-recovery-1', pool: POOL, concurrency: 1 });
  const { runId, jobId } = await triggerOneJob(system, 'bench-recovery');
  const attempt = (number: number) => system.prisma.jobAttempt.findFirst({ where: { jobId, number } });
  const started = await until(async () => (await attempt(1))?.startedAt, 60_000, 'attempt 1 to start', 20);
  await new Promise((r) => setTimeout(r, Math.max(0, started.getTime() + KILL_AFTER_MS - Date.now())));

  const orphans = descendants(first.pid!);
  const silentBeforeKillMs = Date.now() - ((await attempt(1))?.lastHeartbeatAt?.getTime() ?? NaN);
  const killedAt = Date.now();
  first.kill('SIGKILL');
  // The job's processes would outlive their runner; a crashed machine takes them with it.
  for (const pid of orphans) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  log(`recovery: runner killed ${silentBeforeKillMs} ms after its last heartbeat; starting a second runner`);
  const second = await system.startRunner({ name: 'bench-recovery-2', pool: POOL, concurrency: 1 });
  try {
    const lost = await until(
      async () => {
        const a = await attempt(1);
        return a?.reason === 'lost' && a.finishedAt;
      },
      90_000,
      'attempt 1 to be marked lost',
      50,
    );
    const reclaimed = await until(async () => (await attempt(2))?.startedAt, 60_000, 'attempt 2 to start', 20);
    await system.api.runs.cancel.mutate({ id: runId });
    // The second runner stops the job at its next heartbeat; wait so the pool is idle afterwards.
    await until(async () => (await attempt(2))?.finishedAt, 60_000, 'attempt 2 to stop after the cancel', 100);
    return {
      runId,
      silentBeforeKillMs,
      killToLostS: (lost.getTime() - killedAt) / 1000,
      lostToClaimS: (reclaimed.getTime() - lost.getTime()) / 1000,
      killToClaimS: (reclaimed.getTime() - killedAt) / 1000,
    };
  } finally {
    await stopRunner(second);
  }
}

/** A new, migrated database in the bench's cluster (no template database to clone there). */
async function standaloneDatabase(benchDbUrl: string) {
  const name = `bench_restart_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: benchDbUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  const url = new URL(benchDbUrl);
  url.pathname = `/${name}`;
  await migrate(url.href, migrationsDir);
  await ensurePartitions(url.href, 1);
  await installQueue(url.href);
  const prisma = createPrisma(url.href, { max: 4 });
  return {
    prisma,
    url: url.href,
    async drop() {
      await prisma.$disconnect();
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(name)} WITH (FORCE)`);
      await admin.end();
    },
  };
}

/**
 * A job prints half its lines, pauses 3 s, prints the rest; the web server
 * goes down for 1.5 s once the first chunks are stored (the runner is then
 * shipping the first half, or in the pause with heartbeats failing). The
 * runner keeps unacknowledged chunks and resends them, so the stored log
 * must hold every line exactly once, in order.
 */
async function webRestart(system: BenchSystem, lines: number) {
  const database = await standaloneDatabase(system.dbUrl);
  // Heartbeats fail while the web server is down: a generous loss deadline keeps the attempt alive.
  const standalone = await startSystemOn(database, {
    lostAfterMs: 30_000,
    maxLostRequeues: 3,
    backoffBaseMs: 100,
  }).catch(async (err: unknown) => {
    await database.drop();
    throw err;
  });
  try {
    const half = lines / 2;
    const repo = await standalone.addRepo('restart');
    await standalone.startRunner({ name: 'restart-runner' });
    const { run } = await repo.push(
      `jobs:\n  chatty:\n    script:\n      - seq 1 ${half}\n      - sleep 3\n      - seq ${half + 1} ${lines}\n`,
    );
    const { logs, db } = standalone.services;
    const job = await until(() => db.job.findFirst({ where: { runId: run.id } }), 10_000, 'the job row');
    const chunksBefore = await until(
      async () => {
        const n = (await logs.chunks(job.id, 1)).length;
        return n >= 3 && n;
      },
      60_000,
      'the first chunks of the log',
      10,
    );
    const t0 = Date.now();
    await standalone.restartWeb(1_500);
    const downMs = Date.now() - t0;
    const done = await standalone.finished(run.id, 180_000);
    const status = done.byName.chatty?.status;
    const numbers = numberedLines(await logs.read(job.id, 1));
    const distinct = new Set(numbers);
    let lost = 0;
    for (let i = 1; i <= lines; i++) if (!distinct.has(i)) lost++;
    return {
      lines,
      chunksBeforeRestart: chunksBefore,
      downMs,
      jobStatus: status,
      storedLines: numbers.length,
      lost,
      duplicates: numbers.length - distinct.size,
      inOrder: isExactly1ToN(numbers, lines),
    };
  } finally {
    await standalone.stop();
  }
}

export const recovery: Scenario = {
  id: 'recovery',
  title: 'recovery: a runner killed mid-job; a web restart mid-log',
  async run({ system, quick, log }) {
    const killed = await runnerKilled(system, log);
    log(`recovery: lost after ${killed.killToLostS} s, claimed again ${killed.lostToClaimS} s later`);
    const restart = await webRestart(system, quick ? 20_000 : 100_000);
    log(`recovery: web restart: ${restart.lost} of ${restart.lines} lines lost, in order: ${restart.inOrder}`);
    const figures: Figure[] = [
      { scenario: SCENARIO, name: 'runner killed → attempt lost', value: killed.killToLostS, unit: 's' },
      { scenario: SCENARIO, name: 'attempt lost → job claimed again', value: killed.lostToClaimS, unit: 's' },
      atMost(
        {
          scenario: SCENARIO,
          name: 'runner killed → job claimed again',
          value: killed.killToClaimS,
          unit: 's',
          note: `killed ${(killed.silentBeforeKillMs / 1000).toFixed(1)} s after its last heartbeat`,
        },
        TOTAL_TARGET_S,
      ),
      {
        scenario: SCENARIO,
        name: `lines lost across a web restart (${restart.lines} lines)`,
        value: restart.lost,
        unit: 'lines',
        target: '= 0, in order',
        met: restart.lost === 0 && restart.inOrder && restart.jobStatus === 'success',
      },
    ];
    return { figures, details: { runnerKilled: killed, webRestart: restart } };
  },
};
