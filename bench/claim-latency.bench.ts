// How fast an idle runner gets a newly queued job: the moment the scheduler
// queues it (jobs.queued_at) to the moment a runner process claims it over
// HTTP (job_attempts.started_at), both stamped by the server. pg-boss's own
// worker polls every 0.5 s at best; Switchyard's claim long-polls and is woken
// by a NOTIFY. Also: run created → first job queued (planning).
// Run: npm run bench:claim [-- --runs 100]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createPrisma } from '../server/db/client';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres';
import { ensurePartitions, migrate } from '../server/db/migrate';
import { migrationsDir } from '../server/db/paths';
import { createRepo } from '../server/domain/repo/repos';
import { triggerRun } from '../server/domain/run/trigger-run';
import { installQueue } from '../server/queue/boss';
import { createGitRepo } from '../tests/git-repo';
import { startSystemOn } from '../tests/system';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '100' }, quick: { type: 'boolean' } } });
const runs = values.quick ? 10 : Number(values.runs);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'));
fs.chmodSync(dir, 0o755);
const pg = await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), database: 'bench', ephemeral: true });
await migrate(pg.url, migrationsDir);
await ensurePartitions(pg.url, 1);
await installQueue(pg.url);
const prisma = createPrisma(pg.url);
const system = await startSystemOn({
  prisma,
  url: pg.url,
  drop: async () => {
    await prisma.$disconnect();
    await pg.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  },
});

const repo = createGitRepo({ '.ci/pipeline.yml': 'jobs:\n  noop:\n    script: ["true"]\n' });
const created = await createRepo(prisma, system.services.box, { name: 'bench', cloneUrl: repo.url });
const target = { id: created.id, cloneUrl: created.cloneUrl, configPath: created.configPath, defaultBranch: 'main' };
await system.startRunner({ name: 'idle' });
await new Promise((r) => setTimeout(r, 3_000)); // registered and waiting in its long poll

const queueToClaim: number[] = [];
const createToQueue: number[] = [];
for (let i = 0; i < runs; i++) {
  const result = await triggerRun(system.services, {
    repo: target,
    trigger: 'manual',
    sha: repo.sha(),
    branch: 'main',
  });
  if (result.outcome !== 'run_created') throw new Error(result.reason);
  for (;;) {
    const job = await prisma.job.findFirst({ where: { runId: result.run.id }, include: { attempts: true } });
    if (job?.finishedAt && job.queuedAt && job.attempts[0]?.startedAt) {
      queueToClaim.push(job.attempts[0].startedAt.getTime() - job.queuedAt.getTime());
      createToQueue.push(job.queuedAt.getTime() - result.run.createdAt.getTime());
      break;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
}

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const row = (name: string, xs: number[]) =>
  `${name.padEnd(28)} p50 ${String(pct(xs, 50)).padStart(4)} ms   p90 ${String(pct(xs, 90)).padStart(4)} ms   p99 ${String(pct(xs, 99)).padStart(4)} ms   max ${String(Math.max(...xs)).padStart(4)} ms`;
console.log(`claim latency, ${runs} runs, one idle runner, ${os.cpus().length} cores`);
console.log(row('queued → claimed', queueToClaim));
console.log(row('run created → job queued', createToQueue));
console.log(
  `pg-boss's fastest polling interval: 500 ms; queued → claimed p50 is ${(500 / Math.max(1, pct(queueToClaim, 50))).toFixed(0)}× below it`,
);

await system.stop();
repo.remove();
process.exit(0);
