// The run page's DAG input: what the graph needs to know about a run's jobs.
import type { JobStatus } from '@/server/db/generated/enums';

/** The job statuses of the domain (server/domain/job/status.ts), shared so the graph never drifts from them. */
export type { JobStatus };

/** One job of a run as the graph shows it. */
export interface DagJob {
  id: string;
  /** Unique within the run; `needs` refers to jobs by name. */
  name: string;
  /** Name of the job's stage; a stage missing from `DagInput.stages` lands in an extra last column. */
  stage: string;
  /** Names of jobs in the same run this job waits for; names of missing jobs are ignored. */
  needs: string[];
  status: JobStatus;
  startedAt: Date | string | null;
  finishedAt: Date | string | null;
  attemptCount: number;
  allowFailure: boolean;
}

/** A run's graph: stages in order (left to right) and their jobs. */
export interface DagInput {
  stages: string[];
  jobs: DagJob[];
}

/** An edge from the needed job (`source`) to the job that needs it (`target`); ids are job ids. */
export interface DagEdge {
  /** `${source}->${target}` */
  id: string;
  source: string;
  target: string;
}
