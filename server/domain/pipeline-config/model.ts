// The resolved pipeline config: what `.ci/pipeline.yml` means once every default
// is applied. It is plain JSON (no Map, no undefined) because a run stores it as
// `pipeline_runs.config` and jobs store their part as `jobs.spec`.
// docs/pipeline-config.md documents each key for the people who write the YAML.

/** What can start a run. The values match the `run_trigger` enum. */
export const TRIGGERS = ['push', 'pr', 'schedule', 'manual'] as const;
export type Trigger = (typeof TRIGGERS)[number];

/** Stages used when the config has no `stages` key, in this order. */
export const DEFAULT_STAGES = ['build', 'test', 'deploy'] as const;

/** The stage of a job without `stage`. */
export const DEFAULT_JOB_STAGE = 'test';

/** When a job runs, judged from the jobs it depends on. */
export const JOB_WHENS = [
  /** Every dependency succeeded (a failure that is allowed counts as success). */
  'on_success',
  /** Like on_success, then waits for a person to start it. */
  'manual',
  /** Once every dependency finished, whatever its outcome. */
  'always',
  /** Only when at least one dependency failed. */
  'on_failure',
] as const;
export type JobWhen = (typeof JOB_WHENS)[number];

/** Why an attempt may be retried. The values match the `attempt_reason` enum. */
export const RETRY_REASONS = [
  /** The script exited non-zero. */
  'exit_code',
  /** The runner stopped sending heartbeats. */
  'lost',
  /** The job ran past its timeout. */
  'timeout',
] as const;
export type RetryReason = (typeof RETRY_REASONS)[number];

/** How a deploy shifts traffic. The values match the `deploy_strategy` enum. */
export const DEPLOY_STRATEGIES = [
  /** Replace instances a few at a time. */
  'rolling',
  /** Start the new version beside the old one, then switch all traffic at once. */
  'blue_green',
  /** Shift traffic in `steps` (percentages), watching health after each step. */
  'canary',
] as const;
export type DeployStrategy = (typeof DEPLOY_STRATEGIES)[number];

export const APPROVALS = [
  /** A user with the deployer role approves before the rollout starts. */
  'required',
  /** The rollout starts as soon as the job is reached. */
  'none',
] as const;
export type Approval = (typeof APPROVALS)[number];

/** The environment whose deploys need an approval unless the config says `approval: none`. */
export const PRODUCTION_ENVIRONMENT = 'production';

export const DEFAULTS = {
  runsOn: 'default',
  timeoutSeconds: 3600,
  retryMax: 0,
  artifactExpireInSeconds: 30 * 86_400,
  canarySteps: [10, 50, 100],
  strategy: 'rolling',
  instances: 2,
  approvals: 1,
  health: { maxErrorRate: 0.05, maxP99Ms: null, windowSeconds: 60 },
} as const;

/** Bounds the parser enforces. */
export const LIMITS = {
  retryMax: 3,
  /** A timeout above this is allowed but warned about. */
  timeoutWarnSeconds: 86_400,
  /** Bytes of config text. */
  textBytes: 1024 * 1024,
  /** Values once aliases are expanded: stops alias bombs. */
  nodes: 100_000,
  depth: 64,
} as const;

export type RetryConfig = {
  /** Extra attempts after the first, 0 to 3. */
  max: number;
  /** Reasons that allow a retry. */
  when: RetryReason[];
  /** Exit codes that allow a retry even when `exit_code` is not in `when`. */
  exitCodes: number[];
};

export type ArtifactsConfig = {
  name: string;
  /** Relative to the workspace; never absolute, never through `..`. */
  paths: string[];
  expireInSeconds: number;
};

export type ReportsConfig = {
  /** Globs of JUnit XML files, relative to the workspace. */
  junit: string[];
};

export type HealthConfig = {
  /** Roll back when the error rate of the new version passes this (0 to 1). */
  maxErrorRate: number;
  /** Roll back when p99 latency passes this; null: latency is not checked. */
  maxP99Ms: number | null;
  /** How long health is watched after each step. */
  windowSeconds: number;
};

export type DeployConfig = {
  environment: string;
  /** Name of an artifact produced by a job this one (transitively) needs. */
  artifact: string;
  strategy: DeployStrategy;
  /** Canary traffic percentages, ascending, ending at 100; `[100]` for other strategies. */
  steps: number[];
  approval: Approval;
  /** Approvals needed before the rollout starts (0 when `approval` is none). */
  approvals: number;
  /** Whether the person who started the run may approve its deploy. */
  selfApproval: boolean;
  /** Instances of the app to run (the local orchestrator). */
  instances: number;
  /** Shell command that starts one instance (it gets PORT); null: the artifact's Procfile `web:` line. */
  start: string | null;
  health: HealthConfig;
};

export type JobConfig = {
  name: string;
  stage: string;
  /** Container image; null: the runner's shell executor runs it. */
  image: string | null;
  /** Runner pool. */
  runsOn: string;
  /** Shell lines, run in order; empty for a deploy job. */
  script: string[];
  /** Explicit needs; null when the key is absent (the job needs every job of earlier stages). */
  needs: string[] | null;
  when: JobWhen;
  allowFailure: boolean;
  /** The container executor gives the job a network only when this is true. */
  network: boolean;
  retry: RetryConfig;
  timeoutSeconds: number;
  /** Global, then `default`, then the job's own variables. */
  variables: Record<string, string>;
  artifacts: ArtifactsConfig | null;
  reports: ReportsConfig;
  deploy: DeployConfig | null;
};

export type PipelineConfig = {
  stages: string[];
  variables: Record<string, string>;
  on: Trigger[];
  /** Branch globs; null: every branch. */
  branches: string[] | null;
  /** Five-field cron expression (UTC), or null. */
  schedule: string | null;
  /** In the order they appear in the file. */
  jobs: JobConfig[];
};
