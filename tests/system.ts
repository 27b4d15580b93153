// A whole Switchyard for integration tests, minus the browser: the tRPC API
// served over real HTTP (the standalone adapter, same router and context as
// the web app), the scheduler's planner, and real runner processes.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { serveObjectRequest } from '../server/storage/object-route';
import { createContext } from '../server/api/context';
import { appRouter } from '../server/api/root';
import { createRegistrationToken } from '../server/domain/runner/registration';
import { startPlanner, type Planner } from '../server/scheduler/planner';
import { sweepLostAttempts, type WatchdogConfig } from '../server/scheduler/watchdog';
import type { Db } from '../server/db/client';
import type { Prisma } from '../server/db/generated/client';
import { createTestDatabase, waitFor, type TestDatabase } from './db';
import { startDeployer, type Deployer } from '../server/deploy/deployer';
import { LocalOrchestrator } from '../server/deploy/local/local-orchestrator';
import type { MetricsSource } from '../server/deploy/metrics/metrics-source';
import { ProxyMetricsSource } from '../server/deploy/metrics/proxy-source';
import { createGitRepo, type TestRepo } from './git-repo';
import { createRepo } from '../server/domain/repo/repos';
import { triggerRun } from '../server/domain/run/trigger-run';
import type { CreatedRun } from '../server/domain/run/create-run';
import { testServices, type TestServiceOptions, type TestServices } from './services';

export interface SystemDatabase {
  prisma: Db;
  url: string;
  drop(): Promise<void>;
}

/** A registered repository backed by a real git repository, and a way to push pipelines to it. */
export interface PipelineRepo {
  git: TestRepo;
  target: { id: string; cloneUrl: string; configPath: string; defaultBranch: string };
  /** Commits `config` as .ci/pipeline.yml on main and triggers a push run of it. */
  push(config: string): Promise<{ sha: string; run: CreatedRun }>;
}

export type FinishedRun = Prisma.PipelineRunGetPayload<{ include: { jobs: true } }> & {
  byName: Record<string, Prisma.JobGetPayload<object>>;
};

export interface TestSystem<D extends SystemDatabase = TestDatabase> {
  db: D;
  services: TestServices;
  url: string;
  /** Registers a repository with a fresh git repository behind it (removed with the system). */
  addRepo(name: string, files?: Record<string, string>): Promise<PipelineRepo>;
  /** Where a runner started here keeps its token. */
  stateDirOf(name: string): string;
  /** Waits for a run to finish; returns it with its jobs by name. */
  finished(runId: string, timeoutMs?: number): Promise<FinishedRun>;
  /** Stops the web server (every open connection dropped) and starts it again on the same port after `downMs`. */
  restartWeb(downMs: number): Promise<void>;
  /** Starts a runner process; it is stopped with the system. */
  startRunner(opts?: {
    name?: string;
    pool?: string;
    concurrency?: number;
    env?: Record<string, string>;
    /** More command-line flags (e.g. --executor container). */
    args?: string[];
  }): Promise<ChildProcess>;
  /** Starts the deployer with a local orchestrator (ephemeral proxy ports); it is stopped with the system. */
  startDeployer(opts?: TestDeployerOptions): Promise<{ deployer: Deployer; orchestrator: LocalOrchestrator }>;
  stop(): Promise<void>;
}

export interface TestDeployerOptions {
  /** Default: the orchestrator's own proxy figures. */
  metrics?: (orchestrator: LocalOrchestrator) => MetricsSource;
  /** Synthetic requests per second during windows (default 20). */
  probePerSecond?: number;
  minRequests?: number;
  maxInconclusive?: number;
  leaseMs?: number;
}

/** Short timings so that losses show within seconds (runners heartbeat every second). */
export const TEST_WATCHDOG: WatchdogConfig = { lostAfterMs: 3_000, maxLostRequeues: 3, backoffBaseMs: 100 };

/** A test file's own system on its own database (vitest only: the database comes from the global setup). */
export async function startTestSystem(
  watchdog: WatchdogConfig = TEST_WATCHDOG,
  sweepEveryMs = 250,
  options: Omit<TestServiceOptions, 'objectsBaseUrl'> = {},
): Promise<TestSystem> {
  return startSystemOn(await createTestDatabase(), watchdog, sweepEveryMs, options);
}

/** The system on a given, migrated database (also used by the benchmarks, outside vitest). */
export async function startSystemOn<D extends SystemDatabase>(
  db: D,
  watchdog: WatchdogConfig = TEST_WATCHDOG,
  sweepEveryMs = 250,
  options: Omit<TestServiceOptions, 'objectsBaseUrl'> = {},
): Promise<TestSystem<D>> {
  // The web server: tRPC and the object store's signed links, as the Next.js app serves them.
  const ref: { current?: TestServices } = {};
  const trpc = createHTTPHandler({
    basePath: '/api/trpc/',
    router: appRouter,
    createContext: ({ req }) => createContext(ref.current!, req.headers.authorization ?? null, async () => null),
  });
  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/api/objects/')) void serveObjectRequest(ref.current!.objects, req, res);
    else trpc(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  const services = await testServices(db.prisma, db.url, { ...options, objectsBaseUrl: url });
  ref.current = services;
  const planner: Planner = await startPlanner({ ...services, url: db.url });
  const sweeper = setInterval(() => void sweepLostAttempts(services, watchdog).catch(() => undefined), sweepEveryMs);
  const runners: ChildProcess[] = [];
  const stateRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-runners-'));

  const repos: TestRepo[] = [];
  const deployers: Deployer[] = [];
  return {
    db,
    services,
    url,
    async addRepo(name, files = { 'README.md': name }) {
      const git = createGitRepo(files);
      repos.push(git);
      const created = await createRepo(db.prisma, services.box, { name, cloneUrl: git.url });
      const target = {
        id: created.id,
        cloneUrl: created.cloneUrl,
        configPath: created.configPath,
        defaultBranch: 'main',
      };
      return {
        git,
        target,
        async push(config) {
          const sha = git.commit({ '.ci/pipeline.yml': config }, 'pipeline');
          const result = await triggerRun(services, {
            repo: target,
            trigger: 'push',
            sha,
            branch: 'main',
            actor: 'dev',
          });
          if (result.outcome !== 'run_created') throw new Error(result.reason);
          return { sha, run: result.run };
        },
      };
    },
    stateDirOf: (name: string) => path.join(stateRoot, name),
    async finished(runId, timeoutMs = 60_000) {
      const run = await waitFor(
        async () => {
          const r = await db.prisma.pipelineRun.findFirst({ where: { id: runId }, include: { jobs: true } });
          return r?.finishedAt ? r : null;
        },
        { timeoutMs, what: `run ${runId} to finish` },
      );
      return { ...run, byName: Object.fromEntries(run.jobs.map((j) => [j.name, j])) };
    },
    async restartWeb(downMs) {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
      await new Promise((r) => setTimeout(r, downMs));
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    },
    async startRunner(opts = {}) {
      const name = opts.name ?? `runner-${runners.length + 1}`;
      const reg = await createRegistrationToken(db.prisma, { maxUses: 1 }, new Date());
      const child = spawn(
        process.execPath,
        runnerArgs({
          url,
          registrationToken: reg.token,
          name,
          pool: opts.pool ?? 'default',
          concurrency: opts.concurrency ?? 1,
          stateDir: path.join(stateRoot, name),
          extra: opts.args,
        }),
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: { ...process.env, LOG_LEVEL: 'warn', SWITCHYARD_RUNNER_PING_SECONDS: '1', ...opts.env },
        },
      );
      child.stdout!.on('data', (d: Buffer) => process.env.DEBUG_RUNNER && process.stdout.write(`[${name}] ${d}`));
      child.stderr!.on('data', (d: Buffer) => process.stderr.write(`[${name}] ${d}`));
      runners.push(child);
      return child;
    },
    async startDeployer(opts = {}) {
      const orchestrator = new LocalOrchestrator({
        dataDir: path.join(stateRoot, `deploy-${deployers.length}`),
        ports: {},
      });
      const deployer = await startDeployer({
        ...services,
        url: db.url,
        orchestrator,
        metrics: opts.metrics?.(orchestrator) ?? new ProxyMetricsSource(orchestrator),
        leaseMs: opts.leaseMs ?? 10_000,
        probePerSecond: opts.probePerSecond ?? 20,
        minRequests: opts.minRequests,
        maxInconclusive: opts.maxInconclusive,
        pollMs: 250,
        healthEveryMs: 500,
      });
      deployers.push(deployer);
      return { deployer, orchestrator };
    },
    async stop() {
      const t0 = Date.now();
      const lap = (what: string) => process.env.DEBUG_STOP && console.log(`stop: ${what} at ${Date.now() - t0} ms`);
      clearInterval(sweeper);
      for (const d of deployers) await d.stop();
      lap('deployers');
      for (const r of runners) {
        if (r.exitCode === null && r.signalCode === null) {
          r.kill('SIGCONT');
          r.kill('SIGTERM');
          await new Promise((resolve) => r.once('exit', resolve));
        }
      }
      lap('runners');
      await planner.stop();
      lap('planner');
      await new Promise((resolve) => server.close(resolve));
      lap('server');
      await services.close();
      lap('services');
      await db.drop();
      lap('db');
      fs.rmSync(stateRoot, { recursive: true, force: true });
      for (const git of repos) git.remove();
    },
  };
}

/** The node arguments that start a real runner process (run from the project's root). */
export function runnerArgs(o: {
  url: string;
  registrationToken: string;
  name: string;
  pool: string;
  concurrency: number;
  stateDir: string;
  extra?: string[];
}): string[] {
  return [
    '--import',
    'tsx',
    'runner/main.ts',
    '--url',
    o.url,
    '--registration-token',
    o.registrationToken,
    '--name',
    o.name,
    '--pool',
    o.pool,
    '--concurrency',
    String(o.concurrency),
    '--state-dir',
    o.stateDir,
    ...(o.extra ?? []),
  ];
}
