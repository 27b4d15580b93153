// The server processes' environment (web, scheduler, start, migrate), read and
// validated in this one place. Nothing else in server/ reads process.env.
import path from 'node:path';
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v));

export const ServerEnv = z.object({
  /** PostgreSQL connection string. Unset: an embedded PostgreSQL under DATA_DIR. */
  DATABASE_URL: optionalString,
  /** Where local state lives: the embedded database, the demo repo, secrets, objects. */
  DATA_DIR: z.string().default('.data'),
  /** The web server's port. */
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** The URL people and runners reach the web server at (default http://localhost:PORT). */
  SWITCHYARD_URL: optionalString,
  /** Signs session cookies and derives the key that encrypts secrets at rest. */
  AUTH_SECRET: optionalString,
  /** GitHub OAuth app for sign-in; the GitHub button shows when both are set. */
  GITHUB_ID: optionalString,
  GITHUB_SECRET: optionalString,
  /** The first admin's email, created on the first start. */
  SWITCHYARD_ADMIN_EMAIL: z.string().email().default('admin@switchyard.local'),
  /** The first admin's password on the first start; otherwise a random one is printed once. */
  SWITCHYARD_ADMIN_PASSWORD: optionalString,
  /** pino level: fatal, error, warn, info, debug, trace. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
  /** `pretty` prints one readable line per record; `json` prints pino's JSON lines. */
  LOG_FORMAT: z.enum(['pretty', 'json']).default('pretty'),
  /** An attempt without a heartbeat for this long is lost (runners heartbeat every 10 s). */
  RUNNER_LOST_AFTER_SECONDS: z.coerce.number().min(1).max(3600).default(30),
  /** How often the scheduler's watchdog looks for lost attempts. */
  WATCHDOG_INTERVAL_SECONDS: z.coerce.number().min(0.1).max(300).default(5),
  /** Requeues after lost runners before a job fails as dead-lettered. */
  MAX_LOST_REQUEUES: z.coerce.number().int().min(0).max(10).default(3),
  /** How many months of partitions to keep created ahead. */
  PARTITION_MONTHS_AHEAD: z.coerce.number().int().min(1).max(24).default(2),
});
export type ServerEnv = z.infer<typeof ServerEnv>;

/** Parses an environment; throws a readable error naming each bad variable. */
export function parseServerEnv(source: Record<string, string | undefined>): ServerEnv {
  const result = ServerEnv.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return result.data;
}

let cached: ServerEnv | undefined;

/** This process's environment, parsed once. */
export function serverEnv(): ServerEnv {
  cached ??= parseServerEnv(process.env);
  return cached;
}

/** The absolute data folder. */
export function dataDir(env: ServerEnv = serverEnv()): string {
  return path.resolve(env.DATA_DIR);
}

/** The URL the web server is reached at. */
export function publicUrl(env: ServerEnv = serverEnv()): string {
  return (env.SWITCHYARD_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
}
