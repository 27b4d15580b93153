// The runner's configuration: command-line flags over environment variables.
// This is the only place in runner/ that reads process.env.
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { ExecutorConfig } from './execute-job';

export const RunnerOptions = z.object({
  /** The Switchyard server's URL (SWITCHYARD_URL). */
  url: z.string().url(),
  /** This runner's token (SWITCHYARD_RUNNER_TOKEN); registered and saved when absent. */
  token: z.string().optional(),
  /** A registration token to exchange for a runner token (SWITCHYARD_REGISTRATION_TOKEN). */
  registrationToken: z.string().optional(),
  name: z.string().min(1).default(os.hostname()),
  pool: z.string().min(1).default('default'),
  concurrency: z.coerce.number().int().min(1).max(64).default(1),
  /** Where the runner keeps its token and workspaces (SWITCHYARD_RUNNER_DIR). */
  stateDir: z.string().default(path.join(os.homedir(), '.switchyard-runner')),
  /** Seconds between signs of life. */
  pingSeconds: z.coerce.number().min(0.1).max(60).default(10),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** `shell` runs scripts on this host; `container` runs each job in its image (SWITCHYARD_EXECUTOR). */
  executor: z.enum(['shell', 'container']).default('shell'),
  /** The container engine (DOCKER_HOST): unix:///run/podman/podman.sock, tcp://127.0.0.1:2375… */
  dockerHost: z.string().optional(),
  /** `never`: a job whose image is not on the engine fails; `if-missing`: pull it (SWITCHYARD_PULL). */
  pull: z.enum(['never', 'if-missing']).default('never'),
  /** Memory limit per container job, e.g. 512m or 2g (SWITCHYARD_MEMORY). */
  memory: z
    .string()
    .regex(/^\d+(\.\d+)?[kmg]?$/i, 'a size such as 512m or 2g')
    .transform(parseSize)
    .optional(),
  /** Most processes per container job (SWITCHYARD_PIDS_LIMIT). */
  pidsLimit: z.coerce.number().int().min(8).max(1_000_000).optional(),
  /** Image for container jobs that name none (SWITCHYARD_DEFAULT_IMAGE). */
  defaultImage: z.string().optional(),
});
export type RunnerOptions = z.infer<typeof RunnerOptions>;

type Flags = Partial<Record<keyof z.input<typeof RunnerOptions>, string | number | undefined>>;

export function resolveRunnerOptions(
  flags: Flags,
  env: Record<string, string | undefined> = process.env,
): RunnerOptions {
  const pick = (...values: (string | number | undefined)[]) => values.find((v) => v !== undefined && v !== '');
  const result = RunnerOptions.safeParse({
    url: pick(flags.url, env.SWITCHYARD_URL),
    token: pick(flags.token, env.SWITCHYARD_RUNNER_TOKEN),
    registrationToken: pick(flags.registrationToken, env.SWITCHYARD_REGISTRATION_TOKEN),
    name: pick(flags.name, env.SWITCHYARD_RUNNER_NAME),
    pool: pick(flags.pool, env.SWITCHYARD_RUNNER_POOL),
    concurrency: pick(flags.concurrency, env.SWITCHYARD_RUNNER_CONCURRENCY),
    stateDir: pick(flags.stateDir, env.SWITCHYARD_RUNNER_DIR),
    pingSeconds: pick(flags.pingSeconds, env.SWITCHYARD_RUNNER_PING_SECONDS),
    logLevel: pick(flags.logLevel, env.LOG_LEVEL),
    executor: pick(flags.executor, env.SWITCHYARD_EXECUTOR),
    dockerHost: pick(flags.dockerHost, env.DOCKER_HOST),
    pull: pick(flags.pull, env.SWITCHYARD_PULL),
    memory: pick(flags.memory, env.SWITCHYARD_MEMORY),
    pidsLimit: pick(flags.pidsLimit, env.SWITCHYARD_PIDS_LIMIT),
    defaultImage: pick(flags.defaultImage, env.SWITCHYARD_DEFAULT_IMAGE),
  });
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  --${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid runner options:\n${lines.join('\n')}`);
  }
  return result.data;
}

/** The pid of the process that started this runner, when it asked to be watched. */
export function parentPid(env: Record<string, string | undefined> = process.env): number | undefined {
  const pid = Number(env.SWITCHYARD_PARENT_PID);
  return pid > 0 ? pid : undefined;
}

/** Bytes in a size such as 512m, 2g, 64k or 1048576. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kmg]?)$/i.exec(text.trim());
  if (!m) throw new Error(`not a size: ${text}`);
  const unit = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Math.round(Number(m[1]) * unit);
}

/** The executor the options describe. */
export function executorConfig(o: RunnerOptions): ExecutorConfig {
  if (o.executor === 'shell') return { kind: 'shell' };
  return {
    kind: 'container',
    engine: { dockerHost: o.dockerHost, pull: o.pull, memoryBytes: o.memory, pidsLimit: o.pidsLimit },
    defaultImage: o.defaultImage,
  };
}
