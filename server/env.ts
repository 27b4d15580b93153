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
  /** Where the local object store keeps logs and artifacts (default DATA_DIR/storage); unused when S3_BUCKET is set. */
  STORAGE_DIR: optionalString,
  /** An S3-compatible endpoint (MinIO, R2, …); unset: AWS S3 for S3_REGION. */
  S3_ENDPOINT: optionalString,
  /** Set: logs and artifacts go to this S3 bucket instead of STORAGE_DIR. */
  S3_BUCKET: optionalString,
  /** The bucket's region. */
  S3_REGION: z.string().default('us-east-1'),
  /** Credentials for S3_BUCKET; both are required when it is set. */
  S3_ACCESS_KEY_ID: optionalString,
  S3_SECRET_ACCESS_KEY: optionalString,
  /** `true` or `1`: address the bucket as ENDPOINT/BUCKET/key (MinIO and most self-hosted stores need it). */
  S3_FORCE_PATH_STYLE: z
    .enum(['true', '1', 'false', '0', ''])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
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
  /** Days of runs kept: a month of runs and jobs (rows, logs, artifacts) goes once it ended this long ago. */
  RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
  /** `drop`: old months are deleted. `archive`: copied to the object store under archive/ first (docs/retention.md). */
  RETENTION_MODE: z.enum(['drop', 'archive']).default('drop'),
  /** MiB of log kept per job attempt; past it the log ends with a truncation marker. */
  LOG_LIMIT_MB: z.coerce.number().min(0.01).max(10_240).default(100),
  /** MiB of the largest artifact accepted. */
  ARTIFACT_MAX_MB: z.coerce.number().min(1).max(102_400).default(5_120),
  /** The local orchestrator's proxy port per environment, `name=port,…`; an environment left out gets a free port. */
  DEPLOY_PORTS: z
    .string()
    .default('staging=4001,production=4002')
    .refine((v) => v.trim() === '' || v.split(',').every((p) => /^\s*[\w.-]+=\d{1,5}\s*$/.test(p)), {
      message: 'expected name=port pairs separated by commas, e.g. staging=4001,production=4002',
    }),
  /** Host name in the environments' URLs (default: the host of SWITCHYARD_URL). */
  DEPLOY_HOST: optionalString,
  /** Synthetic requests per second sent to a new version during each health window (0: none). */
  DEPLOY_PROBE_RPS: z.coerce.number().min(0).max(1000).default(10),
  /** Set: health windows are read from this Prometheus server instead of the proxy's own figures. */
  PROMETHEUS_URL: optionalString,
  /** The scrape interval of PROMETHEUS_URL for the proxy's metrics; a window is read one interval after it ends. */
  PROMETHEUS_SCRAPE_INTERVAL_SECONDS: z.coerce.number().min(1).max(600).default(15),
  /** Set (0 to 1): a test whose flake rate reaches it is quarantined automatically; unset: only people quarantine. */
  FLAKY_AUTO_QUARANTINE_RATE: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce.number().gt(0).max(1).optional(),
  ),
  /** Runs in the flake window a test needs before automatic quarantine judges it. */
  FLAKY_AUTO_QUARANTINE_MIN_RUNS: z.coerce.number().int().min(1).max(100_000).default(10),
  /** How often the scheduler's queue monitor reads queue depth and decides (see docs/autoscaling.md). */
  QUEUE_MONITOR_INTERVAL_SECONDS: z.coerce.number().min(0.1).max(300).default(5),
  /** A pool's queue depth at which the autoscaler adds runners; they are stopped below half of it. */
  QUEUE_SCALE_UP_DEPTH: z.coerce.number().int().min(1).max(1_000_000).default(10),
  /** A pool's queue depth above which scheduled runs are shed (down to half of it). */
  QUEUE_SHED_DEPTH: z.coerce.number().int().min(1).max(1_000_000).default(100),
  /** Oldest wait (seconds) in a pool past which scheduled runs are shed too; 0: depth only. */
  QUEUE_SHED_WAIT_SECONDS: z.coerce.number().min(0).max(86_400).default(600),
  /** `cancel`: shed scheduled runs are cancelled (deferred when their schedule is gone); `defer`: always deferred. */
  QUEUE_SHED_ACTION: z.enum(['cancel', 'defer']).default('cancel'),
  /** How long a deferred scheduled run's jobs are held back. */
  QUEUE_SHED_DEFER_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  /** Slots per pool that scheduled runs' jobs leave free, so a push or PR run finds a runner idle (pools of one slot: none). */
  QUEUE_RESERVED_SLOTS: z.coerce.number().int().min(0).max(1000).default(1),
  /** Most runner processes the local autoscaler starts; 0: the autoscaler is off. */
  AUTOSCALE_MAX_RUNNERS: z.coerce.number().int().min(0).max(64).default(0),
  /** The pool the autoscaler's runners join. */
  AUTOSCALE_POOL: z
    .string()
    .regex(/^[\w.-]+$/, 'a pool name: letters, digits, _ . -')
    .default('default'),
  /** Cool-down: an autoscaled runner idle this long (and the queue low) is stopped. */
  AUTOSCALE_IDLE_SECONDS: z.coerce.number().min(0).max(86_400).default(120),
  /** Set: GET /api/metrics requires `Authorization: Bearer <METRICS_TOKEN>`; unset: open (it exposes no secrets). */
  METRICS_TOKEN: optionalString,
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

/** The absolute folder of the local object store. */
export function storageDir(env: ServerEnv = serverEnv()): string {
  return path.resolve(env.STORAGE_DIR ?? path.join(dataDir(env), 'storage'));
}

/** The URL the web server is reached at. */
export function publicUrl(env: ServerEnv = serverEnv()): string {
  return (env.SWITCHYARD_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
}

/** DEPLOY_PORTS as environment → port. */
export function deployPorts(env: ServerEnv): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const pair of env.DEPLOY_PORTS.split(',')) {
    const [name, port] = pair.split('=').map((x) => x.trim());
    if (name && port) ports[name] = Number(port);
  }
  return ports;
}

/** The storage limits the environment sets. */
export function storageLimits(env: ServerEnv): { logBytes: number; artifactBytes: number } {
  return {
    logBytes: Math.round(env.LOG_LIMIT_MB * 1024 * 1024),
    artifactBytes: Math.round(env.ARTIFACT_MAX_MB * 1024 * 1024),
  };
}
