// The shell executor: the script under bash in its own process group (inside
// bubblewrap when the host has it), with exactly the job's environment, killed
// as a whole tree on timeout or cancel.
import { spawn } from 'node:child_process';
import { killProcessGroup } from './process-group';
import { SANDBOX_WORKSPACE, sandboxCommand } from './sandbox';
import { stoppedLine, type ExecIo, type ExecResult } from './result';

export type { ExecResult } from './result';

export interface ShellScript {
  /** The host folder the job works in. */
  workspace: string;
  scriptFile: string;
  /** Builds the job's environment for the workspace path the script sees. */
  env: (workspace: string) => Record<string, string>;
  timeoutSeconds: number;
  sandboxed: boolean;
}

/** Next.js's types make NODE_ENV required in ProcessEnv; a job's environment has only what it is given. */
function asEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return vars as unknown as NodeJS.ProcessEnv;
}

export async function runShellScript(s: ShellScript, io: ExecIo): Promise<ExecResult> {
  const { command, args } = s.sandboxed
    ? sandboxCommand(s.workspace, s.scriptFile, s.env(SANDBOX_WORKSPACE))
    : { command: 'bash', args: ['--noprofile', '--norc', s.scriptFile] };
  const child = spawn(command, args, {
    cwd: s.workspace,
    env: asEnv(s.sandboxed ? { PATH: process.env.PATH } : s.env(s.workspace)),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.setEncoding('utf8').on('data', io.output);
  child.stderr.setEncoding('utf8').on('data', io.output);
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const killTree = () => child.pid && killProcessGroup(child.pid, closed);
  let stopped: 'timeout' | 'cancelled' | undefined;
  const timer = setTimeout(() => {
    stopped = 'timeout';
    killTree();
  }, s.timeoutSeconds * 1000);
  void io.cancelled.then(() => {
    stopped ??= 'cancelled';
    killTree();
  });
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      io.output(`could not start ${command}: ${err.message}\n`);
      resolve(null);
    });
    child.once('close', (c) => resolve(c));
  });
  clearTimeout(timer);
  killTree(); // anything the script left running in its group (its parent is gone: nothing waits)
  if (stopped === 'timeout') {
    io.output(stoppedLine.timeout(s.timeoutSeconds));
    return { exitCode: null, reason: 'timeout' };
  }
  if (stopped === 'cancelled') {
    io.output(stoppedLine.cancelled);
    return { exitCode: null, reason: 'cancelled' };
  }
  if (code === null) return { exitCode: null, reason: 'runner_error', message: `could not start ${command}` };
  return { exitCode: code, reason: 'exit_code' };
}
