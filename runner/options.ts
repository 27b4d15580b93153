// The runner's configuration: command-line flags over environment variables.
// This is the only place in runner/ that reads process.env.
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

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
});
export type RunnerOptions = z.infer<typeof RunnerOptions>;

type Flags = Partial<Record<keyof RunnerOptions, string | number | undefined>>;

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
