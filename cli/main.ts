// The `switchyard` CLI. Talks to the server through the same typed tRPC client
// as the runner; `--json` on any command prints machine-readable output.
import os from 'node:os';
import { TRPCClientError } from '@trpc/client';
import { Command, CommanderError } from 'commander';
import { createServerApi, type ServerApi } from '../runner/api';
import { resolveRunnerOptions } from '../runner/options';
import { startRunner } from '../runner/run-runner';
import { resolveConfig, writeConfigFile } from './config';
import { CliError, EXIT, printJson, printTable } from './output';
import { printJobLog } from './follow-log';
import { promptHidden, readAllStdin, readLineFromStdin } from './prompt';

const program = new Command()
  .name('switchyard')
  .description(
    'Switchyard CI/CD from the command line. Set SWITCHYARD_URL and SWITCHYARD_TOKEN, or run `switchyard login`.',
  )
  .option('--json', 'print JSON for scripts')
  .exitOverride();

const json = () => program.opts<{ json?: boolean }>().json === true;

function api(): ServerApi {
  const cfg = resolveConfig();
  if (!cfg.url) throw new CliError('No server: set SWITCHYARD_URL or run `switchyard login --url URL`.', EXIT.usage);
  if (!cfg.token)
    throw new CliError('Not signed in: set SWITCHYARD_TOKEN or run `switchyard login`.', EXIT.unauthorized);
  return createServerApi(cfg.url, () => cfg.token);
}

program
  .command('login')
  .description('trade your password for an API token, saved in your config folder')
  .option('--url <url>', 'the Switchyard server')
  .requiredOption('--email <email>', 'your account')
  .option('--password-stdin', 'read the password from standard input')
  .action(async (o: { url?: string; email: string; passwordStdin?: boolean }) => {
    const cfg = resolveConfig();
    const url = o.url ?? cfg.url;
    if (!url) throw new CliError('Which server? Pass --url or set SWITCHYARD_URL.', EXIT.usage);
    const password = o.passwordStdin ? await readLineFromStdin() : await promptHidden('Password: ');
    const result = await createServerApi(url, () => undefined).auth.login.mutate({
      email: o.email,
      password,
      tokenName: `cli on ${os.hostname()}`,
    });
    writeConfigFile(cfg.file, { url, token: result.token });
    if (json()) printJson({ user: result.user, configFile: cfg.file });
    else console.log(`Signed in as ${result.user.email} (${result.user.role}); token saved in ${cfg.file}`);
  });

const repo = program.command('repo').description('repositories');
repo
  .command('add <name>')
  .description('register a repository (admin)')
  .requiredOption('--url <url>', 'clone URL: https://…, file:///… or an absolute path')
  .option('--branch <branch>', 'default branch', 'main')
  .option('--config-path <path>', 'pipeline config in the repository', '.ci/pipeline.yml')
  .action(async (name: string, o: { url: string; branch: string; configPath: string }) => {
    const created = await api().repos.create.mutate({
      name,
      cloneUrl: o.url,
      defaultBranch: o.branch,
      configPath: o.configPath,
    });
    if (json()) return printJson(created);
    console.log(`Registered ${created.name} (${created.id})`);
    console.log(
      `Webhook secret (shown once; paste it into the repository's webhook settings):\n  ${created.webhookSecret}`,
    );
  });
repo
  .command('list')
  .description('list repositories')
  .action(async () => {
    const repos = await api().repos.list.query();
    if (json()) return printJson(repos);
    if (repos.length === 0) return console.log('No repositories yet: `switchyard repo add NAME --url URL`.');
    printTable(
      ['NAME', 'DEFAULT BRANCH', 'CONFIG', 'CLONE URL'],
      repos.map((r) => [r.name, r.defaultBranch, r.configPath, r.cloneUrl]),
    );
  });

const run = program.command('run').description('pipeline runs');
run
  .command('trigger <repo>')
  .description('start a run of a branch, tag or commit (developer); prints the run id')
  .option('--ref <ref>', 'branch or tag (default: the default branch)')
  .option('--sha <sha>', 'a full commit SHA')
  .action(async (repoName: string, o: { ref?: string; sha?: string }) => {
    const created = await api().runs.trigger.mutate({ repo: repoName, ref: o.ref, sha: o.sha });
    if (json()) return printJson(created);
    console.log(created.id);
    if (created.status === 'failed')
      console.error(
        `run #${created.number} failed at once: its config has errors (switchyard run status ${created.id})`,
      );
  });
run
  .command('status <id>')
  .description('show a run; --wait exits when it ends, non-zero unless it succeeded')
  .option('--wait', 'wait until the run ends')
  .option('--timeout <seconds>', 'give up waiting after this long', (v) => Number.parseInt(v, 10))
  .action(async (id: string, o: { wait?: boolean; timeout?: number }) => {
    const client = api();
    const deadline = o.timeout ? Date.now() + o.timeout * 1000 : Infinity;
    let current = await client.runs.get.query({ id });
    while (o.wait && !isTerminal(current.status)) {
      if (Date.now() > deadline) throw new CliError(`run ${id} is still ${current.status} after ${o.timeout} s`);
      await new Promise((r) => setTimeout(r, 1000));
      current = await client.runs.get.query({ id });
    }
    if (json()) printJson(current);
    else printRun(current);
    if (o.wait && current.status !== 'success') process.exitCode = EXIT.failure;
  });

run
  .command('cancel <id>')
  .description('cancel a run: queued jobs are dropped, running ones stopped (developer)')
  .action(async (id: string) => {
    const result = await api().runs.cancel.mutate({ id });
    if (json()) return printJson(result);
    console.log(`Cancelled ${result.cancelled} job(s); ${result.running} running job(s) stop within one heartbeat.`);
  });

const job = program.command('job').description('jobs');
job
  .command('retry <id>')
  .description('run a finished job again, and the jobs that depend on it (developer)')
  .action(async (id: string) => {
    const status = await api().jobs.retry.mutate({ id });
    if (json()) return printJson({ runStatus: status });
    console.log(`Retrying; the run is ${status}.`);
  });
job
  .command('run <id>')
  .description('start a job that waits for a person (when: manual) (developer)')
  .action(async (id: string) => {
    const status = await api().jobs.run.mutate({ id });
    if (json()) return printJson({ runStatus: status });
    console.log(`Started; the run is ${status}.`);
  });
job
  .command('logs <id>')
  .description("print a job's log (the latest attempt, or --attempt N)")
  .option('--attempt <n>', 'which attempt', (v) => Number.parseInt(v, 10))
  .option('-f, --follow', 'keep printing new lines until the job ends')
  .option('--timestamps', 'start each line with the moment the runner saw it')
  .action(async (id: string, o: { attempt?: number; follow?: boolean; timestamps?: boolean }) => {
    if (json()) return printJson(await api().jobs.log.query({ id, attempt: o.attempt }));
    await printJobLog(api(), id, {
      attempt: o.attempt,
      follow: o.follow === true,
      timestamps: o.timestamps === true,
      write: (text) => process.stdout.write(text),
    });
  });
job
  .command('artifacts <id>')
  .description("list a job's artifacts with size, sha256, expiry and a download link")
  .action(async (id: string) => {
    const list = await api().jobs.artifacts.query({ id });
    if (json()) return printJson(list);
    if (list.length === 0) return console.log('No artifacts.');
    printTable(
      ['NAME', 'SIZE', 'SHA256', 'EXPIRES', 'URL'],
      list.map((a) => [
        a.name,
        String(a.sizeBytes),
        a.sha256.slice(0, 16),
        a.expiresAt?.toISOString() ?? 'never',
        a.url ?? 'expired',
      ]),
    );
  });

const secret = program.command('secret').description("a repository's pipeline secrets (admin to change)");
secret
  .command('set <repo> <name>')
  .description('set a secret; the value is read from standard input (never from the command line)')
  .option('--environment <env>', 'only for deploys to this environment')
  .option('--branches <globs>', 'comma-separated branch patterns allowed to read it (default: every branch)')
  .action(async (repo: string, name: string, o: { environment?: string; branches?: string }) => {
    const value = await readAllStdin();
    const set = await api().secrets.set.mutate({
      repo,
      name,
      value,
      environment: o.environment,
      branches: o.branches
        ? o.branches
            .split(',')
            .map((b) => b.trim())
            .filter(Boolean)
        : [],
    });
    if (json()) return printJson(set);
    console.log(`Set ${set.name}${set.environment ? ` for ${set.environment}` : ''}.`);
  });
secret
  .command('list <repo>')
  .description('the names of the secrets (never their values)')
  .action(async (repo: string) => {
    const list = await api().secrets.list.query({ repo });
    if (json()) return printJson(list);
    printTable(
      ['NAME', 'ENVIRONMENT', 'BRANCHES', 'UPDATED'],
      list.map((s) => [s.name, s.environment ?? 'all', s.branches.join(',') || 'all', s.updatedAt.toISOString()]),
    );
  });
secret
  .command('delete <repo> <name>')
  .option('--environment <env>', 'the environment the secret is for')
  .action(async (repo: string, name: string, o: { environment?: string }) => {
    const result = await api().secrets.delete.mutate({ repo, name, environment: o.environment });
    if (json()) return printJson(result);
    console.log(`Deleted ${name}.`);
  });

const deploy = program.command('deploy').description('deployments: approve, reject, roll back');
deploy
  .command('list [environment]')
  .description('what serves each environment, what waits for approval, and recent deployments')
  .action(async (environment: string | undefined) => {
    const envs = (await api().deployments.overview.query()).filter((e) => !environment || e.name === environment);
    if (json()) return printJson(envs);
    if (envs.length === 0)
      return console.log(environment ? `No deployments to ${environment} yet.` : 'No deployments yet.');
    for (const e of envs) {
      const s = e.serving;
      console.log(
        `${e.name}${e.url ? ` (${e.url})` : ''}: ${s ? `serving ${s.commitSha.slice(0, 7)} since ${s.deployedAt?.toISOString()}` : 'nothing deployed'}`,
      );
      printTable(
        ['ID', 'STATUS', 'COMMIT', 'STRATEGY', 'BY', 'CREATED', 'WHY'],
        e.history
          .slice(0, 10)
          .map((d) => [
            d.id,
            d.status,
            d.commitSha.slice(0, 7),
            d.strategy,
            d.triggeredBy,
            d.createdAt.toISOString(),
            d.statusReason,
          ]),
      );
    }
  });
deploy
  .command('approve <id>')
  .description('approve a deployment waiting at its gate (deployer)')
  .option('-m, --comment <text>', 'a comment kept with the approval')
  .action(async (id: string, o: { comment?: string }) => {
    const r = await api().deployments.approve.mutate({ id, comment: o.comment });
    if (json()) return printJson(r);
    console.log(
      r.status === 'pending'
        ? `Approved: deployment ${id} starts as soon as its environment is free.`
        : `Approved (${r.approvals} so far): deployment ${id} still waits for more approvals.`,
    );
  });
deploy
  .command('reject <id>')
  .description('reject a deployment waiting at its gate (deployer)')
  .requiredOption('-m, --comment <text>', 'why (required)')
  .action(async (id: string, o: { comment: string }) => {
    const r = await api().deployments.reject.mutate({ id, comment: o.comment });
    if (json()) return printJson(r);
    console.log(`Rejected deployment ${id}.`);
  });
deploy
  .command('rollback <environment>')
  .description('send an environment back to an earlier successful deployment (deployer)')
  .option('--to <id>', 'the deployment to go back to (default: the one before what serves now)')
  .option('-m, --reason <text>', 'why, kept with the rollback')
  .action(async (environment: string, o: { to?: string; reason?: string }) => {
    const r = await api().deployments.rollback.mutate({ environment, to: o.to, reason: o.reason });
    if (json()) return printJson(r);
    console.log(`Rolling ${environment} back to ${r.commitSha.slice(0, 7)} (deployment ${r.id}).`);
  });

const user = program.command('user').description('people and roles (admin)');
user
  .command('add <email>')
  .description('create a local account')
  .option('--role <role>', 'viewer, developer, deployer or admin', 'viewer')
  .option('--name <name>', 'display name')
  .option('--password-stdin', 'read the password from standard input')
  .action(
    async (
      email: string,
      o: { role: 'viewer' | 'developer' | 'deployer' | 'admin'; name?: string; passwordStdin?: boolean },
    ) => {
      const password = o.passwordStdin ? await readLineFromStdin() : await promptHidden(`Password for ${email}: `);
      const created = await api().users.create.mutate({ email, password, name: o.name, role: o.role });
      if (json()) return printJson(created);
      console.log(`Created ${created.email} (${created.role})`);
    },
  );
user
  .command('list')
  .description('list accounts and roles')
  .action(async () => {
    const users = await api().users.list.query();
    if (json()) return printJson(users);
    printTable(
      ['EMAIL', 'ROLE', 'NAME'],
      users.map((u) => [u.email, u.role, u.name]),
    );
  });

const token = program.command('token').description('tokens');
token
  .command('create')
  .description('create an API token for yourself, or with --runner a runner registration token (admin)')
  .option('--name <name>', 'what the token is for', `token from ${os.hostname()}`)
  .option('--expires-in-days <days>', 'expiry (API tokens)', (v) => Number.parseInt(v, 10))
  .option('--runner', 'a registration token for new runners')
  .option('--pool <pool>', 'the pool runners registered with it join (with --runner)')
  .option('--max-uses <n>', 'how many runners may register with it (with --runner)', (v) => Number.parseInt(v, 10))
  .action(async (o: { name: string; expiresInDays?: number; runner?: boolean; pool?: string; maxUses?: number }) => {
    if (o.runner) {
      const reg = await api().runners.createRegistrationToken.mutate({
        description: o.name,
        pool: o.pool,
        maxUses: o.maxUses,
      });
      if (json()) return printJson(reg);
      return console.log(
        `Runner registration token (shown once):\n  ${reg.token}\nOn the runner's host: switchyard runner --url URL --registration-token ${reg.token}`,
      );
    }
    const created = await api().tokens.create.mutate({ name: o.name, expiresInDays: o.expiresInDays });
    if (json()) return printJson(created);
    console.log(`API token "${created.name}" (shown once):\n  ${created.token}`);
  });

program
  .command('runner')
  .description('run a runner on this host')
  .option('--url <url>', 'the Switchyard server (or SWITCHYARD_URL)')
  .option('--token <token>', "this runner's token (or SWITCHYARD_RUNNER_TOKEN)")
  .option('--registration-token <token>', 'register with it when there is no runner token yet')
  .option('--name <name>', "the runner's name (default: the host name)")
  .option('--pool <pool>', 'the pool it serves', undefined)
  .option('--concurrency <n>', 'jobs at once')
  .option('--state-dir <dir>', 'where it keeps its token and workspaces')
  .action(async (o: Record<string, string | undefined>) => {
    const runner = await startRunner(resolveRunnerOptions({ ...o, url: o.url ?? resolveConfig().url }));
    const stop = () => void runner.stop();
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    // SIGUSR2: drain (a scale-down): finish the jobs under way, take no new one, exit.
    process.on('SIGUSR2', () => void runner.drain());
    await runner.done;
  });

function isTerminal(status: string): boolean {
  return status === 'success' || status === 'failed' || status === 'cancelled';
}

type RunView = Awaited<ReturnType<ServerApi['runs']['get']['query']>>;

function printRun(r: RunView): void {
  console.log(
    `${r.repo} #${r.number}  ${r.status}  ${r.trigger}  ${r.branch ?? r.tag ?? ''} ${r.commitSha.slice(0, 12)}`,
  );
  if (r.commitMessage) console.log(`  ${r.commitMessage.split('\n')[0]}`);
  const issues = (r.configErrors as { message: string; line: number; column: number; severity: string }[]) ?? [];
  for (const i of issues) console.log(`  ${r.configPath}:${i.line}:${i.column} ${i.severity}: ${i.message}`);
  for (const j of r.jobs)
    console.log(`  ${j.status.padEnd(9)} ${j.name}${j.statusReason ? ` (${j.statusReason})` : ''}`);
}

function explain(err: unknown): { message: string; code: number } {
  if (err instanceof CliError) return { message: err.message, code: err.exitCode };
  if (err instanceof CommanderError) return { message: '', code: err.exitCode === 0 ? EXIT.ok : EXIT.usage };
  if (err instanceof TRPCClientError) {
    const code = err.data?.code === 'UNAUTHORIZED' ? EXIT.unauthorized : EXIT.failure;
    return { message: err.message, code };
  }
  const cause = (err as { cause?: { code?: string } }).cause;
  if (cause?.code === 'ECONNREFUSED')
    return { message: 'Cannot reach the server: is it running, and is SWITCHYARD_URL right?', code: EXIT.failure };
  return { message: err instanceof Error ? err.message : String(err), code: EXIT.failure };
}

try {
  await program.parseAsync(process.argv);
} catch (err) {
  const { message, code } = explain(err);
  if (message) process.stderr.write(`switchyard: ${message}\n`);
  process.exit(code);
}
