// The runner's job slots: each long-polls for a job of its pool, runs it,
// ships its output, heartbeats while it runs (the answer carries
// cancellation), and reports how it ended.
import path from 'node:path';
import { TRPCClientError } from '@trpc/client';
import type pino from 'pino';
import type { ServerApi } from './api';
import { executeJob, type ExecutorConfig } from './execute-job';
import type { ExecResult } from './executors/result';
import type { ClaimedJobView } from './job';
import { LogShipper } from './log/log-shipper';

export interface WorkLoopOptions {
  api: ServerApi;
  log: pino.Logger;
  runnerName: string;
  stateDir: string;
  concurrency: number;
  heartbeatSeconds: number;
  executor: ExecutorConfig;
}

const CLAIM_WAIT_MS = 25_000;

/** The server no longer accepts writes for this attempt (it was lost, or is over). */
function refusedByServer(err: unknown): boolean {
  return err instanceof TRPCClientError && ['CONFLICT', 'UNAUTHORIZED', 'BAD_REQUEST'].includes(err.data?.code);
}

export class WorkLoop {
  private stopped = false;
  /** Stopped by drain(): the jobs under way are not cancelled. */
  private draining = false;
  private readonly aborts = new Set<AbortController>();
  private readonly cancels = new Set<() => void>();
  readonly done: Promise<void>;

  constructor(private readonly o: WorkLoopOptions) {
    this.done = Promise.all(Array.from({ length: o.concurrency }, () => this.slot())).then(() => undefined);
  }

  /**
   * Stops claiming and lets the running jobs finish (a scale-down): settles when the last one completes.
   * A claim under way is not aborted but answered (within CLAIM_WAIT_MS): aborting it could lose a job
   * the server handed out just then; a job it brings is run.
   */
  drain(): Promise<void> {
    this.stopped = true;
    this.draining = true;
    return this.done;
  }

  /** Stops claiming, and stops running jobs. */
  stop(): Promise<void> {
    this.draining = false;
    this.stopped = true;
    for (const abort of this.aborts) abort.abort();
    for (const cancel of this.cancels) cancel();
    return this.done;
  }

  private async slot(): Promise<void> {
    while (!this.stopped) {
      const abort = new AbortController();
      this.aborts.add(abort);
      let job: ClaimedJobView | null = null;
      try {
        job = await this.o.api.runner.claim.mutate({ waitMs: CLAIM_WAIT_MS }, { signal: abort.signal });
      } catch (err) {
        if (this.stopped) break;
        if (err instanceof TRPCClientError && err.data?.code === 'UNAUTHORIZED') throw err;
        this.o.log.warn({ err: (err as Error).message }, 'claim failed; retrying');
        await new Promise((r) => setTimeout(r, 1_000));
      } finally {
        this.aborts.delete(abort);
      }
      if (job) await this.execute(job);
    }
  }

  private async execute(job: ClaimedJobView): Promise<void> {
    const { api, log } = this.o;
    log.info({ job: job.name, jobId: job.jobId, attempt: job.attempt }, 'job started');
    const shipper = new LogShipper({
      send: (seq, text) => api.runner.log.mutate({ token: job.token, seq, text }),
      isFatal: refusedByServer,
      secrets: Object.values(job.secrets),
      limitBytes: job.logLimitBytes,
      onGiveUp: (err) => log.error({ job: job.name, err: (err as Error).message }, 'log upload given up'),
    });
    let cancel!: () => void;
    const cancelled = new Promise<void>((resolve) => (cancel = resolve));
    this.cancels.add(cancel);
    const heartbeat = setInterval(() => {
      api.runner.heartbeat
        .mutate({ token: job.token })
        .then((r) => r.cancel && cancel())
        .catch((err: Error) => {
          // The server says this attempt is over (lost, then run elsewhere): stop it here too.
          if (refusedByServer(err)) {
            log.warn({ job: job.name, err: err.message }, 'the server no longer accepts this attempt; stopping it');
            cancel();
          } else log.warn({ err: err.message }, 'heartbeat failed');
        });
    }, this.o.heartbeatSeconds * 1000);
    let result: ExecResult;
    try {
      result = await executeJob(
        job,
        { api, runnerName: this.o.runnerName, workRoot: path.join(this.o.stateDir, 'work'), executor: this.o.executor },
        { output: (text) => shipper.write(text), cancelled },
      );
    } catch (err) {
      result = { exitCode: null, reason: 'runner_error', message: (err as Error).message };
    } finally {
      clearInterval(heartbeat);
      this.cancels.delete(cancel);
    }
    if (this.stopped && !this.draining && result.reason === 'cancelled') {
      result = { exitCode: null, reason: 'runner_error', message: 'the runner was stopped while the job ran' };
    }
    await shipper.close().catch((err: Error) => log.error({ err: err.message }, 'log upload failed'));
    try {
      const outcome = await api.runner.complete.mutate({ token: job.token, ...result });
      log.info(
        { job: job.name, jobId: job.jobId, status: outcome.jobStatus, exitCode: result.exitCode },
        'job finished',
      );
    } catch (err) {
      log.error({ job: job.name, err: (err as Error).message }, 'the server refused the result');
    }
  }
}
