// One running instance of a release: the start command under /bin/sh in its
// own process group, on a free port of 127.0.0.1, with only the environment
// an app needs (never the server's own: it holds DATABASE_URL and secrets).
// Its output goes to a log file per instance, and the last lines stay in
// memory so a failed start can say why. Lifecycle: `startInstance`, `ready`
// (answers HTTP), serving (the proxy counts `inflight`), `drain`, `stop`.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { groupMembers, killProcessGroup } from '../../../runner/executors/process-group';
import { OrchestratorError } from '../orchestrator';
import { forgetPid, recordPid } from './pid-files';

/** Lines of output kept in memory per instance. */
const TAIL_LINES = 20;
const POLL_MS = 100;
const STOP_GRACE_MS = 5_000;

export interface InstanceOptions {
  environment: string;
  version: string;
  /** Shell command; it gets PORT. */
  command: string;
  releaseDir: string;
  /** Folder of the environment's instance logs. */
  logDir: string;
  /** Ports handed out to instances that may not listen yet; the new one's port is added to it. */
  taken?: Set<number>;
  /** Where a file per running instance is kept (pid-files.ts), so a later orchestrator can stop orphans. */
  pidDir?: string;
}

/**
 * A port nobody listens on now (the kernel's pick for an ephemeral listener),
 * not in `taken`, and added to it: the kernel may offer a port again once
 * its probe closed, before the instance it went to listens.
 */
export async function freePort(taken: Set<number> = new Set()): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = net.createServer();
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as net.AddressInfo;
        server.close(() => resolve(port));
      });
    });
    if (!taken.has(port)) {
      taken.add(port);
      return port;
    }
  }
}

export async function startInstance(opts: InstanceOptions): Promise<Instance> {
  const port = await freePort(opts.taken);
  fs.mkdirSync(opts.logDir, { recursive: true });
  return new Instance(opts, port);
}

/** Next.js's types make NODE_ENV required in ProcessEnv; the app's environment has only what it is given. */
function asEnv(vars: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return vars as unknown as NodeJS.ProcessEnv;
}

export class Instance {
  readonly version: string;
  readonly startedAt = new Date();
  readonly logFile: string;
  /** Exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Settles once the process has exited and its output pipes are read to the end. */
  private readonly closed: Promise<void>;
  private readonly child: ChildProcess;
  private readonly tail: string[] = [];
  private partial = '';
  private exit: number | string | undefined;
  private inflightCount = 0;
  private readonly idle = new Set<() => void>();
  private stopped: Promise<void> | undefined;

  constructor(
    opts: InstanceOptions,
    readonly port: number,
  ) {
    this.version = opts.version;
    this.logFile = path.join(opts.logDir, `${opts.version}-${port}.log`);
    const log = fs.createWriteStream(this.logFile, { flags: 'a' });
    log.on('error', () => undefined); // a full disk must not take the server down
    log.write(
      `--- ${this.startedAt.toISOString()} ${opts.environment}: version ${opts.version} on port ${port}: ${opts.command}\n`,
    );
    this.child = spawn('/bin/sh', ['-c', opts.command], {
      cwd: opts.releaseDir,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      // The deploy's one read of the server's environment: where programs are, and a home.
      env: asEnv({
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        NODE_ENV: 'production',
        SWITCHYARD_VERSION: opts.version,
      }),
    });
    for (const stream of [this.child.stdout, this.child.stderr]) {
      const text = new StringDecoder('utf8'); // a character may straddle two chunks
      stream?.on('data', (chunk: Buffer) => {
        log.write(chunk);
        this.remember(text.write(chunk));
      });
    }
    this.exited = new Promise((resolve) => {
      this.child.once('error', (err) => {
        this.remember(`could not start /bin/sh: ${err.message}\n`);
        resolve((this.exit = 'error'));
      });
      this.child.once('exit', (code, signal) => resolve((this.exit = code ?? signal ?? 'unknown')));
    });
    const pid = this.child.pid;
    if (opts.pidDir && pid) recordPid(opts.pidDir, pid, `${opts.environment} ${opts.version} ${port}\n`);
    this.closed = new Promise((resolve) =>
      this.child.once('close', () => {
        if (opts.pidDir && pid) forgetPid(opts.pidDir, pid);
        log.end(`--- exited: ${String(this.exit)}\n`);
        resolve();
      }),
    );
  }

  /** The process group leader (the shell); null when it could not start. */
  get pid(): number | null {
    return this.child.pid ?? null;
  }

  /** Whether `stop` was called. */
  get stopping(): boolean {
    return this.stopped !== undefined;
  }

  get alive(): boolean {
    return this.exit === undefined;
  }

  get inflight(): number {
    return this.inflightCount;
  }

  /** The last lines the instance printed (stdout and stderr). */
  lastLines(): string[] {
    return this.partial === '' ? [...this.tail] : [...this.tail, this.partial];
  }

  /** The proxy sent it a request. */
  begin(): void {
    this.inflightCount++;
  }

  /** A request it was sent is over (answered, failed or abandoned). */
  end(): void {
    this.inflightCount--;
    if (this.inflightCount === 0) for (const resolve of this.idle) resolve();
  }

  /** Resolves true once no request is in flight, false when `timeoutMs` passes first. */
  async drain(timeoutMs = 10_000): Promise<boolean> {
    if (this.inflightCount === 0) return true;
    let resolveIdle!: () => void;
    const idle = new Promise<void>((resolve) => (resolveIdle = resolve));
    this.idle.add(resolveIdle);
    try {
      return await within(idle, timeoutMs).then((r) => r !== timedOut);
    } finally {
      this.idle.delete(resolveIdle);
    }
  }

  /** Waits until the instance answers HTTP on `/` (any status: health is the traffic analysis' call). */
  async ready(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.alive) throw await this.failure(`exited with ${exitText(this.exit)} before answering HTTP`);
      const left = deadline - Date.now();
      if (left <= 0) throw await this.failure(`did not answer HTTP within ${Math.round(timeoutMs / 1000)} s`);
      if (await answersHttp(this.port, Math.min(left, 1_000))) return;
      await within(this.exited, Math.min(POLL_MS, Math.max(0, deadline - Date.now())));
    }
  }

  /** SIGTERM, up to 5 s to finish, then the whole group killed. Idempotent. */
  stop(): Promise<void> {
    this.stopped ??= this.terminate();
    return this.stopped;
  }

  private async terminate(): Promise<void> {
    const pid = this.child.pid;
    if (pid === undefined) return;
    if (this.alive) {
      terminateApp(pid);
      await within(this.exited, STOP_GRACE_MS);
    }
    // Whatever is left (all of it when SIGTERM was ignored): members first, the leader last.
    killProcessGroup(pid, this.exited);
    await this.exited;
    // Stragglers die on SIGKILL at once; a little while for the kernel to tell.
    const deadline = Date.now() + 1_000;
    while (runningMembers(pid) > 0 && Date.now() < deadline) await within(never, 20);
  }

  private remember(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    this.tail.push(...lines);
    if (this.tail.length > TAIL_LINES) this.tail.splice(0, this.tail.length - TAIL_LINES);
  }

  private async failure(what: string): Promise<OrchestratorError> {
    // 'exit' can come before the last output is read: give the pipes a moment to empty.
    await within(this.closed, 200);
    const lines = this.lastLines().filter((l) => l.trim() !== '');
    const output = lines.length > 0 ? `; its last output:\n${lines.join('\n')}` : '; it printed nothing';
    return new OrchestratorError(`an instance of version '${this.version}' (port ${this.port}) ${what}${output}`);
  }
}

function exitText(exit: number | string | undefined): string {
  return typeof exit === 'number' ? `code ${exit}` : `${String(exit)}`;
}

/**
 * SIGTERM to the app. dash does not exec the command, so the group leader is
 * the shell waiting on the app: the signal goes to the shell's children, so
 * the shell is still there to reap the app (PID 1 here does not reap) and
 * exits with it. A shell with no children (a builtin loop) gets it itself.
 */
function terminateApp(leader: number): void {
  let targets: number[];
  try {
    const children = fs.readFileSync(`/proc/${leader}/task/${leader}/children`, 'utf8').trim();
    targets = children === '' ? [leader] : children.split(/\s+/).map(Number);
  } catch {
    targets = [-leader]; // no /proc: the whole group
  }
  for (const pid of targets) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // gone meanwhile
    }
  }
}

/** Processes of the group still running (a zombie waits for its reaper, but runs nothing). */
function runningMembers(pgid: number): number {
  return (groupMembers(pgid) ?? []).filter((pid) => {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat[stat.lastIndexOf(')') + 2] !== 'Z';
    } catch {
      return false;
    }
  }).length;
}

/** Whether anything answers HTTP at 127.0.0.1:`port` within `timeoutMs`. */
function answersHttp(port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
  });
}

const timedOut = Symbol('timed out');
const never = new Promise<never>(() => undefined);

/** `promise`'s value, or `timedOut` after `ms`; the timer does not outlive the race. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | typeof timedOut> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof timedOut>((resolve) => (timer = setTimeout(() => resolve(timedOut), ms)));
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
