// The shell executor: a fresh workspace per attempt, a real git checkout of
// the commit, the script under bash in its own process group, with a scrubbed
// environment (the job's variables and CI_* only: never the runner's own),
// killed as a whole tree on timeout or cancel.
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ClaimedJobView } from '../job';
import { bwrapAvailable, SANDBOX_WORKSPACE, sandboxCommand } from './sandbox';

const run = promisify(execFile);

export interface ExecResult {
  exitCode: number | null;
  reason: 'exit_code' | 'timeout' | 'runner_error' | 'cancelled';
  message?: string;
}

export interface ExecOptions {
  workRoot: string;
  /** Use bubblewrap when the host has it (default); false runs the script unsandboxed. */
  sandbox?: boolean;
  runnerName: string;
  output: (text: string) => void;
  /** Resolves when the job must stop (cancelled). */
  cancelled: Promise<void>;
}

/** Next.js's types make NODE_ENV required in ProcessEnv; a job's environment has only what it is given. */
function asEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return vars as unknown as NodeJS.ProcessEnv;
}

function jobEnv(job: ClaimedJobView, workspace: string): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: workspace,
    LANG: 'C.UTF-8',
    CI: 'true',
    SWITCHYARD: 'true',
    CI_COMMIT_SHA: job.commitSha,
    CI_COMMIT_BRANCH: job.branch ?? '',
    CI_COMMIT_TAG: job.tag ?? '',
    CI_JOB_ID: job.jobId,
    CI_JOB_NAME: job.name,
    CI_JOB_ATTEMPT: String(job.attempt),
    CI_RUN_ID: job.runId,
    CI_RUN_NUMBER: String(job.runNumber),
    CI_REPO: job.repo.name,
    CI_PROJECT_DIR: workspace,
    ...job.spec.variables,
  };
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The script: each line echoed before it runs, stopping at the first failure. */
export function scriptText(lines: string[]): string {
  return ['set -e', ...lines.flatMap((l) => [`printf '%s\\n' ${shellQuote(`$ ${l}`)}`, l])].join('\n') + '\n';
}

async function checkout(job: ClaimedJobView, workspace: string): Promise<void> {
  const url = job.repo.cloneUrl.startsWith('/') ? `file://${job.repo.cloneUrl}` : job.repo.cloneUrl;
  const env = asEnv({ PATH: process.env.PATH, HOME: process.env.HOME, GIT_TERMINAL_PROMPT: '0' });
  await run('git', ['clone', '--quiet', '--no-checkout', '--', url, workspace], { env, timeout: 300_000 });
  await run('git', ['checkout', '--quiet', '--detach', job.commitSha], { cwd: workspace, env, timeout: 300_000 });
}

export async function runShell(job: ClaimedJobView, opts: ExecOptions): Promise<ExecResult> {
  const attemptDir = path.join(opts.workRoot, job.attemptId);
  const workspace = path.join(attemptDir, 'workspace');
  fs.mkdirSync(attemptDir, { recursive: true, mode: 0o700 });
  const sandboxed = opts.sandbox !== false && bwrapAvailable();
  opts.output(
    `Running ${job.name} (attempt ${job.attempt}) on ${opts.runnerName} with the shell executor, ` +
      (sandboxed
        ? 'sandboxed by bubblewrap (read-only system, private /tmp, only the workspace writable)'
        : 'not sandboxed (bubblewrap is not installed on this runner)') +
      `${job.spec.image ? `; the shell executor ignores image ${job.spec.image}` : ''}\n`,
  );
  try {
    await checkout(job, workspace);
  } catch (err) {
    const message = `checkout of ${job.commitSha.slice(0, 12)} failed: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`;
    opts.output(`${message}\n`);
    return { exitCode: null, reason: 'runner_error', message };
  }
  const scriptFile = path.join(attemptDir, 'script.sh');
  fs.writeFileSync(scriptFile, scriptText(job.spec.script), { mode: 0o700 });

  const { command, args } = sandboxed
    ? sandboxCommand(workspace, scriptFile, jobEnv(job, SANDBOX_WORKSPACE))
    : { command: 'bash', args: ['--noprofile', '--norc', scriptFile] };
  const child = spawn(command, args, {
    cwd: workspace,
    env: asEnv(sandboxed ? { PATH: process.env.PATH } : jobEnv(job, workspace)),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.setEncoding('utf8').on('data', opts.output);
  child.stderr.setEncoding('utf8').on('data', opts.output);
  const killTree = () => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  let stopped: 'timeout' | 'cancelled' | undefined;
  const timer = setTimeout(() => {
    stopped = 'timeout';
    killTree();
  }, job.spec.timeoutSeconds * 1000);
  void opts.cancelled.then(() => {
    stopped ??= 'cancelled';
    killTree();
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
  clearTimeout(timer);
  killTree(); // anything the script left running in its group
  fs.rmSync(attemptDir, { recursive: true, force: true });
  if (stopped === 'timeout') {
    opts.output(`\nStopped: the job ran past its timeout of ${job.spec.timeoutSeconds} s\n`);
    return { exitCode: null, reason: 'timeout' };
  }
  if (stopped === 'cancelled') {
    opts.output('\nStopped: the job was cancelled\n');
    return { exitCode: null, reason: 'cancelled' };
  }
  return { exitCode: code, reason: 'exit_code' };
}
