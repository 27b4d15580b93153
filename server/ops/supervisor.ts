// Starts `npm start`'s child processes with their output prefixed by name,
// and stops them in the reverse order (each gets SIGTERM, then SIGKILL).
import { spawn, type ChildProcess } from 'node:child_process';
import readline from 'node:readline';

export interface ChildSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
}

export interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
}

export class Supervisor {
  private readonly children: Child[] = [];
  private stopping = false;

  constructor(
    private readonly print: (proc: string, line: string) => void,
    private readonly onUnexpectedExit: (name: string, code: number | null) => void,
  ) {}

  start(spec: ChildSpec, opts: { expectExit?: boolean } = {}): Child {
    if (this.stopping) throw new Error(`not starting ${spec.name}: shutting down`);
    // Its own process group: a terminal's Ctrl-C reaches only us, and we stop
    // the children in order (runner, scheduler, web, then the database).
    const proc = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, SWITCHYARD_PARENT_PID: String(process.pid) },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    for (const stream of [proc.stdout!, proc.stderr!]) {
      readline.createInterface({ input: stream }).on('line', (line) => this.print(spec.name, line));
    }
    const exited = new Promise<number | null>((resolve) => {
      proc.once('exit', (code, signal) => {
        resolve(code ?? (signal ? 128 : null));
        if (!this.stopping && !opts.expectExit) this.onUnexpectedExit(spec.name, code);
      });
      proc.once('error', (err) => {
        this.print(spec.name, `failed to start: ${err.message}`);
        resolve(127);
        if (!this.stopping && !opts.expectExit) this.onUnexpectedExit(spec.name, 127);
      });
    });
    const child = { name: spec.name, process: proc, exited };
    this.children.push(child);
    return child;
  }

  /** Runs a command to completion (e.g. `next build`), output prefixed; resolves with its exit code. */
  async run(spec: ChildSpec): Promise<number | null> {
    const child = this.start(spec, { expectExit: true });
    const code = await child.exited;
    this.children.splice(this.children.indexOf(child), 1);
    return code;
  }

  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    for (const child of [...this.children].reverse()) {
      if (child.process.exitCode !== null || child.process.signalCode !== null) continue;
      signalGroup(child.process, 'SIGTERM');
      const timer = setTimeout(() => signalGroup(child.process, 'SIGKILL'), graceMs);
      await child.exited;
      clearTimeout(timer);
      signalGroup(child.process, 'SIGKILL'); // anything the child left in its group
    }
  }
}

function signalGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (!proc.pid) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // already gone
  }
}
