// The system under benchmark, started the way `npm start` starts it: the
// scripts/start.ts supervisor with its web server (the production Next.js
// build), scheduler and local runner, on a PostgreSQL the bench starts
// (embedded unless DATABASE_URL is set) so it can also read the server's own
// timestamps. Figures come from real processes over real HTTP.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createTRPCClient, httpLink, httpSubscriptionLink, splitLink, type TRPCClient } from '@trpc/client';
import { EventSource } from 'eventsource';
import pg from 'pg';
import superjson from 'superjson';
import type { AppRouter } from '../../server/contracts/app-router';
import { createPrisma, type Db } from '../../server/db/client';
import { startEmbeddedPostgres } from '../../server/db/embedded-postgres';
import { createRegistrationToken } from '../../server/domain/runner/registration';
import { createGitRepo, type TestRepo } from '../../tests/git-repo';
import { runnerArgs } from '../../tests/system';

export type Api = TRPCClient<AppRouter>;

export interface BenchRepo {
  name: string;
  git: TestRepo;
  id: string;
  webhookSecret: string;
  /** Commits (changes, or an empty commit) on main and returns the SHA. */
  commit(changes?: Record<string, string>): string;
}

export interface BenchSystem {
  url: string;
  dbUrl: string;
  prisma: Db;
  /** Admin over HTTP, with subscriptions over server-sent events. */
  api: Api;
  /** The processes `npm start` supervises, by role. */
  pids(): { web?: number; scheduler?: number; runner?: number };
  addRepo(name: string, files: Record<string, string>): Promise<BenchRepo>;
  /** A signed GitHub push webhook for `repo` at `sha`; resolves with the HTTP status and its time. */
  pushWebhook(repo: BenchRepo, sha: string, deliveryId?: string): Promise<{ status: number; ms: number }>;
  startRunner(opts: { name: string; pool: string; concurrency: number }): Promise<ChildProcess>;
  stop(): Promise<void>;
}

const ADMIN = { email: 'bench@switchyard.local', password: 'bench-admin-password' };
const projectRoot = path.resolve(import.meta.dirname, '../..');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** The direct children of a process, with their command lines (Linux /proc). */
export function childrenOf(pid: number): { pid: number; args: string }[] {
  const out: { pid: number; args: string }[] = [];
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid)
        out.push({ pid: Number(name), args: fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ') });
    } catch {
      // gone
    }
  }
  return out;
}

export async function startBenchSystem(log: (line: string) => void): Promise<BenchSystem> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'));
  fs.chmodSync(dir, 0o755);
  const external = process.env.DATABASE_URL;
  const embedded = external
    ? undefined
    : await startEmbeddedPostgres({ dataDir: path.join(dir, 'pg'), database: 'bench', ephemeral: true });
  const dbUrl = external ?? embedded!.url;
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const output: string[] = [];
  const proc = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: dbUrl,
      DATA_DIR: path.join(dir, 'data'),
      PORT: String(port),
      SWITCHYARD_URL: url,
      SWITCHYARD_ADMIN_EMAIL: ADMIN.email,
      SWITCHYARD_ADMIN_PASSWORD: ADMIN.password,
      AUTH_SECRET: crypto.randomBytes(24).toString('hex'),
      LOG_LEVEL: 'warn',
    },
  });
  proc.stdout.on('data', (d: Buffer) => output.push(d.toString()));
  proc.stderr.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const deadline = Date.now() + 300_000;
  while (!output.join('').includes('Switchyard is up')) {
    if (proc.exitCode !== null || Date.now() > deadline) {
      throw new Error(`the system did not start:\n${output.join('').slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  log(`system up on ${url} (${external ? 'DATABASE_URL' : 'embedded PostgreSQL'})`);

  const prisma = createPrisma(dbUrl, { max: 8 });
  const login = await fetch(`${url}/api/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ json: { ...ADMIN, tokenName: 'bench' } }),
  });
  const token = ((await login.json()) as { result: { data: { json: { token: string } } } }).result.data.json.token;
  const authorization = `Bearer ${token}`;
  const api = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: `${url}/api/trpc`,
          transformer: superjson,
          EventSource,
          eventSourceOptions: {
            fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, authorization } }),
          },
        }),
        false: httpLink({ url: `${url}/api/trpc`, transformer: superjson, headers: { authorization } }),
      }),
    ],
  });
  // The local runner is online and waiting.
  for (let i = 0; ; i++) {
    const runners = await api.runners.list.query();
    if (runners.some((r) => r.online)) break;
    if (i > 300) throw new Error('the local runner did not come online');
    await new Promise((r) => setTimeout(r, 100));
  }

  const repos: TestRepo[] = [];
  const runners: ChildProcess[] = [];
  return {
    url,
    dbUrl,
    prisma,
    api,
    pids() {
      const start = childrenOf(proc.pid!);
      const find = (re: RegExp) => start.find((c) => re.test(c.args))?.pid;
      return {
        web: find(/next-server|next\/dist\/bin\/next/), // Next renames its process "next-server"
        scheduler: find(/scheduler\/main\.ts/),
        runner: find(/runner\/main\.ts/),
      };
    },
    async addRepo(name, files) {
      const git = createGitRepo(files);
      fs.chmodSync(git.dir, 0o755);
      repos.push(git);
      const created = await api.repos.create.mutate({ name, cloneUrl: git.dir });
      return {
        name,
        git,
        id: created.id,
        webhookSecret: created.webhookSecret,
        commit: (changes = {}) => git.commit(changes, `bench ${Date.now()}`),
      };
    },
    async pushWebhook(repo, sha, deliveryId = crypto.randomUUID()) {
      const payload = {
        ref: 'refs/heads/main',
        before: '0'.repeat(39) + '1',
        after: sha,
        created: false,
        deleted: false,
        repository: { full_name: `bench/${repo.name}`, clone_url: repo.git.dir },
        head_commit: { id: sha, timestamp: new Date().toISOString(), message: 'bench' },
        pusher: { name: 'bench' },
        sender: { login: 'bench' },
      };
      const body = JSON.stringify(payload);
      const signature = `sha256=${crypto.createHmac('sha256', repo.webhookSecret).update(body).digest('hex')}`;
      const t0 = performance.now();
      const res = await fetch(`${url}/api/webhooks/github?repo=${encodeURIComponent(repo.name)}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'push',
          'x-github-delivery': deliveryId,
          'x-hub-signature-256': signature,
        },
        body,
      });
      await res.arrayBuffer();
      return { status: res.status, ms: performance.now() - t0 };
    },
    async startRunner(opts) {
      const reg = await createRegistrationToken(prisma, { maxUses: 1, pool: opts.pool }, new Date());
      const child = spawn(
        process.execPath,
        runnerArgs({
          url,
          registrationToken: reg.token,
          name: opts.name,
          pool: opts.pool,
          concurrency: opts.concurrency,
          stateDir: path.join(dir, 'runners', opts.name),
        }),
        { cwd: projectRoot, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LOG_LEVEL: 'error' } },
      );
      child.stderr!.on('data', (d: Buffer) => log(`[${opts.name}] ${d.toString().trim()}`));
      runners.push(child);
      for (let i = 0; ; i++) {
        const online = await prisma.runner.findFirst({ where: { name: opts.name, lastSeenAt: { not: null } } });
        if (online) break;
        if (i > 300) throw new Error(`runner ${opts.name} did not register`);
        await new Promise((r) => setTimeout(r, 100));
      }
      return child;
    },
    async stop() {
      for (const r of runners) if (r.exitCode === null && r.signalCode === null) r.kill('SIGTERM');
      await Promise.all(
        runners.map((r) =>
          r.exitCode === null && r.signalCode === null ? new Promise((res) => r.once('exit', res)) : null,
        ),
      );
      proc.kill('SIGINT');
      await exited;
      await prisma.$disconnect();
      await embedded?.stop();
      for (const g of repos) g.remove();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A plain PostgreSQL connection for raw queries (ceilings, plans). */
export async function rawClient(dbUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  return client;
}
