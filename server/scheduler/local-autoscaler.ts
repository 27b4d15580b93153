// The `local` autoscaler: extra runner processes on this host, the same
// runner/main.ts that `npm start` runs. Each occupies a numbered slot with
// its own state folder (`<stateDir>/<pool>-<n>`), so a slot started again
// reuses its saved runner token and its row on the runners page instead of
// registering a new runner every time; only a slot without a token gets a
// fresh one-use registration token. A scale-down drains a runner (SIGUSR2:
// it takes no new job and exits once the one it runs is done, so a job taken
// at the last moment is never cut off); stopping the scheduler stops them
// with SIGTERM. They run as children of the scheduler (and watch its pid), so stopping the
// scheduler stops them too.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../db/paths';
import type { Logger } from '../log';
import type { AutoscaledRunner, Autoscaler } from './autoscaler';

export interface LocalAutoscalerOptions {
  pool: string;
  max: number;
  /** The URL runners reach the server at. */
  serverUrl: string;
  /** Where the slots' state folders live. */
  stateDir: string;
  /** A one-use registration token marked as autoscaled (see AUTOSCALED_DESCRIPTION). */
  registrationToken: () => Promise<string>;
  log: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Job slots per runner. */
  concurrency?: number;
  /** Extra environment for the runners (e.g. LOG_LEVEL, SWITCHYARD_RUNNER_PING_SECONDS). */
  env?: Record<string, string>;
  /** How long a stopping runner gets before SIGKILL. */
  stopGraceMs?: number;
}

const SavedState = z.object({ runnerId: z.string(), url: z.string() });

interface Slot {
  index: number;
  name: string;
  dir: string;
  child: ChildProcess;
  startedAt: Date;
  /** Draining or stopping: no longer counted as capacity. */
  stopping: boolean;
  /** SIGTERM sent (the scheduler stops). */
  terminating?: boolean;
  exited: Promise<void>;
}

export class LocalAutoscaler implements Autoscaler {
  readonly kind = 'local';
  readonly pool: string;
  readonly max: number;
  private readonly slots = new Map<number, Slot>();
  private target = 0;
  private closed = false;

  constructor(private readonly o: LocalAutoscalerOptions) {
    if (!/^[\w.-]+$/.test(o.pool)) throw new Error(`AUTOSCALE_POOL must be a plain pool name, not ${o.pool}`);
    this.pool = o.pool;
    this.max = o.max;
  }

  desired(): number {
    return this.target;
  }

  list(): AutoscaledRunner[] {
    return [...this.slots.values()]
      .sort((a, b) => a.index - b.index)
      .map((s) => ({
        name: s.name,
        runnerId: this.saved(s.dir)?.runnerId ?? null,
        startedAt: s.startedAt,
        stopping: s.stopping,
      }));
  }

  async scaleTo(count: number, stoppable: readonly string[] = []): Promise<void> {
    if (this.closed) return;
    this.target = Math.max(0, Math.min(this.max, count));
    const live = [...this.slots.values()].filter((s) => !s.stopping);
    for (let n = live.length; n < this.target; n++) await this.startSlot();
    let excess = live.length - this.target;
    for (const s of live) {
      if (excess <= 0) break;
      if (!stoppable.includes(s.name)) continue;
      this.drainSlot(s);
      excess--;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.slots.values()];
    for (const s of all) this.stopSlot(s);
    await Promise.all(all.map((s) => s.exited));
  }

  private saved(dir: string): z.infer<typeof SavedState> | undefined {
    try {
      return SavedState.parse(JSON.parse(fs.readFileSync(path.join(dir, 'runner.json'), 'utf8')));
    } catch {
      return undefined;
    }
  }

  private async startSlot(): Promise<void> {
    let index = 1;
    while (this.slots.has(index)) index++;
    const name = `autoscale-${this.pool}-${index}`;
    const dir = path.join(this.o.stateDir, `${this.pool}-${index}`);
    const saved = this.saved(dir);
    const token = saved?.url === this.o.serverUrl ? undefined : await this.o.registrationToken();
    const args = [
      '--import',
      'tsx',
      path.join(projectRoot, 'runner', 'main.ts'),
      '--url',
      this.o.serverUrl,
      '--name',
      name,
      '--pool',
      this.pool,
      '--concurrency',
      String(this.o.concurrency ?? 1),
      '--state-dir',
      dir,
      ...(token ? ['--registration-token', token] : []),
    ];
    const child = spawn(process.execPath, args, {
      cwd: projectRoot,
      env: { ...process.env, ...this.o.env, SWITCHYARD_PARENT_PID: String(process.pid) },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const slot: Slot = {
      index,
      name,
      dir,
      child,
      startedAt: new Date(),
      stopping: false,
      exited: new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          this.slots.delete(index);
          if (!slot.stopping) this.o.log.warn({ runner: name, code, signal }, 'autoscaled runner exited on its own');
          else this.o.log.info({ runner: name }, 'autoscaled runner stopped');
          resolve();
        });
        child.once('error', (err) => {
          this.slots.delete(index);
          this.o.log.error({ runner: name, err: err.message }, 'autoscaled runner failed to start');
          resolve();
        });
      }),
    };
    this.slots.set(index, slot);
    this.o.log.info({ runner: name, pid: child.pid, pool: this.pool }, 'autoscaled runner started');
  }

  /** Scale-down: the runner drains (SIGUSR2): a job it took at the last moment still finishes. */
  private drainSlot(s: Slot): void {
    if (s.stopping) return;
    s.stopping = true;
    s.child.kill('SIGUSR2');
  }

  /** The scheduler stops: its runners stop now (their jobs are requeued as the runner's), then are killed. */
  private stopSlot(s: Slot): void {
    if (s.terminating) return;
    s.terminating = true;
    s.stopping = true;
    s.child.kill('SIGTERM');
    const timer = setTimeout(() => s.child.kill('SIGKILL'), this.o.stopGraceMs ?? 15_000);
    void s.exited.then(() => clearTimeout(timer));
  }
}
