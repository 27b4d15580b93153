// The runner's lifecycle: get a token (saved, or registered with a
// registration token), then stay in touch with the server. It never holds
// database credentials: everything goes through the API.
import os from 'node:os';
import path from 'node:path';
import { TRPCClientError } from '@trpc/client';
import pino from 'pino';
import { createServerApi } from './api';
import { executorConfig, type RunnerOptions } from './options';
import { readState, writeState, type RunnerState } from './state';
import { RUNNER_VERSION } from './version';
import { WorkLoop } from './work-loop';

export interface RunningRunner {
  state: RunnerState;
  stop(): Promise<void>;
  /** Takes no new job and stops once the jobs under way have finished. */
  drain(): Promise<void>;
  /** Settles when the runner stops (by stop(), or on an error it cannot get past). */
  done: Promise<void>;
}

function isUnauthorized(err: unknown): boolean {
  return err instanceof TRPCClientError && err.data?.code === 'UNAUTHORIZED';
}

async function register(opts: RunnerOptions, stateFile: string, log: pino.Logger): Promise<RunnerState> {
  if (!opts.registrationToken) {
    throw new Error(
      'No runner token: pass --token, or --registration-token to register (an admin creates one with `switchyard token create --runner`).',
    );
  }
  const api = createServerApi(opts.url, () => undefined);
  const registered = await api.runner.register.mutate({
    registrationToken: opts.registrationToken,
    name: opts.name,
    pool: opts.pool,
    version: RUNNER_VERSION,
    hostname: os.hostname(),
    concurrency: opts.concurrency,
  });
  const state: RunnerState = {
    runnerId: registered.id,
    name: registered.name,
    pool: registered.pool,
    token: registered.token,
    url: opts.url,
  };
  writeState(stateFile, state);
  log.info({ runnerId: state.runnerId, pool: state.pool }, 'registered');
  return state;
}

/** A token given on the command line, else the saved one for this server, else a new registration. */
async function obtainToken(opts: RunnerOptions, stateFile: string, log: pino.Logger): Promise<RunnerState> {
  if (opts.token) return { runnerId: '', name: opts.name, pool: opts.pool, token: opts.token, url: opts.url };
  const saved = readState(stateFile);
  if (saved && saved.url === opts.url) return saved;
  return register(opts, stateFile, log);
}

export async function startRunner(opts: RunnerOptions): Promise<RunningRunner> {
  const log = pino({
    level: opts.logLevel,
    base: { proc: 'runner', name: opts.name },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
  const stateFile = path.join(opts.stateDir, 'runner.json');
  let state = await obtainToken(opts, stateFile, log);
  const api = createServerApi(opts.url, () => state.token);

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let finish!: () => void;
  let fail!: (err: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });

  let reachable = true;
  const ping = async () => {
    try {
      await api.runner.ping.mutate({ version: RUNNER_VERSION, hostname: os.hostname(), concurrency: opts.concurrency });
      if (!reachable) log.info('server reachable again');
      reachable = true;
    } catch (err) {
      if (isUnauthorized(err)) {
        if (!opts.token && opts.registrationToken) {
          log.warn('runner token refused; registering again');
          state = await register(opts, stateFile, log);
          return;
        }
        throw new Error('The server refused this runner token (revoked, or the runner was removed). Register again.');
      }
      if (reachable) log.warn({ err: (err as Error).message }, 'server unreachable; retrying');
      reachable = false;
    }
  };
  const loop = async () => {
    if (stopped) return;
    try {
      await ping();
    } catch (err) {
      stopped = true;
      log.error({ err: (err as Error).message }, 'runner stopping');
      fail(err as Error);
      return;
    }
    if (!stopped) timer = setTimeout(loop, opts.pingSeconds * 1000);
  };
  await ping();
  log.info(
    { runnerId: state.runnerId || undefined, pool: state.pool, url: opts.url, concurrency: opts.concurrency },
    'runner online',
  );
  timer = setTimeout(loop, opts.pingSeconds * 1000);
  const work = new WorkLoop({
    api,
    log,
    runnerName: state.name,
    stateDir: opts.stateDir,
    concurrency: opts.concurrency,
    heartbeatSeconds: opts.pingSeconds,
    executor: executorConfig(opts),
  });
  work.done.catch((err: Error) => {
    stopped = true;
    clearTimeout(timer);
    log.error({ err: err.message }, 'runner stopping');
    fail(err);
  });

  return {
    state,
    done,
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await work.stop().catch(() => undefined);
      log.info('runner stopped');
      finish();
    },
    async drain() {
      log.info('runner draining: no new jobs; stopping when the running ones finish');
      // It keeps pinging while its jobs run, so it stays online on the runners page.
      await work.drain().catch(() => undefined);
      stopped = true;
      clearTimeout(timer);
      log.info('runner drained and stopped');
      finish();
    },
  };
}
