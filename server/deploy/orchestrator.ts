// Where deployments run. The deployer (the rollout loop in the scheduler)
// decides *what* an environment should look like at each step of a strategy;
// an orchestrator makes it so. The contract is declarative, so a rolling,
// blue-green or canary step is one `apply` with a target, and another
// orchestrator (Kubernetes: Deployments and a weighted Service mesh route) can
// implement the same four calls.
//
// Lifecycle of an environment: `prepare` each release it will run (fetch and
// unpack; idempotent), then `apply` targets in order. `apply` starts what is
// missing and waits until every new instance answers HTTP, then routes
// traffic to the weights, then stops instances no longer wanted after their
// in-flight requests finish: so no request is lost across a step. After a
// restart the deployer prepares and applies the serving release again.
import type { Readable } from 'node:stream';
import type { VersionCounts } from './metrics/version-metrics';

/** One deployable build: the artifact of a run, started with a command. */
export interface ReleaseSpec {
  /** The version label: the id of the deployment that first rolled this artifact out. */
  version: string;
  commitSha: string;
  artifact: {
    name: string;
    sha256: string;
    sizeBytes: number;
    /** The artifact's tar.gz bytes. */
    open(): Promise<Readable>;
  };
  /** Shell command that starts one instance (it gets PORT); null: the `web:` line of the archive's Procfile. */
  start: string | null;
}

/** What an environment should run and where its traffic goes. */
export interface EnvironmentTarget {
  /** Instances per version; a version left out runs none. */
  instances: Record<string, number>;
  /** Share of traffic per version (any non-negative numbers; at least one above 0). */
  weights: Record<string, number>;
}

export interface EnvironmentState {
  environment: string;
  /** Where people reach it. */
  url: string;
  instances: { version: string; port: number; pid: number | null; startedAt: string }[];
  weights: Record<string, number>;
}

export class OrchestratorError extends Error {}

export interface Orchestrator {
  readonly kind: 'local' | 'kubernetes';
  /** Makes a release ready to start (download, verify, unpack). Idempotent. */
  prepare(environment: string, release: ReleaseSpec): Promise<void>;
  /** Brings the environment to `target` (see above). Throws OrchestratorError with a reason a person reads. */
  apply(environment: string, target: EnvironmentTarget): Promise<EnvironmentState>;
  /** The environment now; undefined before its first apply. */
  state(environment: string): EnvironmentState | undefined;
  /** Cumulative request figures of one version (the built-in metrics source). */
  counts(environment: string, version: string): VersionCounts | undefined;
  /** Sends synthetic requests (GET `path`) straight to a version's instances, counted as its traffic; returns a stop. */
  probe(environment: string, version: string, path: string, perSecond: number): () => void;
  /** Stops every instance and proxy. */
  close(): Promise<void>;
}
