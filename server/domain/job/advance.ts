// The DAG's next step, decided without I/O: given every job of a run, which
// pending jobs become queued, manual or skipped now. Applied in the same
// transaction that recorded the change that made it necessary.
import type { JobStatus } from '../../db/generated/enums';
import type { JobWhen } from '../pipeline-config/model';
import { isTerminal } from './status';

export interface AdvanceJob {
  name: string;
  status: JobStatus;
  /** The jobs it waits for (the DAG's edges into it). */
  needs: readonly string[];
  when: JobWhen;
  allowFailure: boolean;
}

export interface Decision {
  name: string;
  to: 'queued' | 'manual' | 'skipped';
  reason: string;
}

/** Whether a finished job counts as a failure for the jobs after it. */
function failedHard(job: AdvanceJob): boolean {
  return job.status === 'failed' && !job.allowFailure;
}

/** Whether a finished job lets `on_success` jobs after it run. */
function passed(job: AdvanceJob): boolean {
  return job.status === 'success' || (job.status === 'failed' && job.allowFailure);
}

function decide(job: AdvanceJob, deps: AdvanceJob[]): Decision | null {
  const blocker = deps.find((d) => isTerminal(d.status) && !passed(d));
  const allDone = deps.every((d) => isTerminal(d.status));
  switch (job.when) {
    case 'on_success':
    case 'manual':
      if (blocker) {
        const why = failedHard(blocker) ? 'failed' : `was ${blocker.status}`;
        return { name: job.name, to: 'skipped', reason: `${blocker.name} ${why}` };
      }
      if (!allDone) return null;
      return job.when === 'manual'
        ? { name: job.name, to: 'manual', reason: 'waits for a person to start it' }
        : { name: job.name, to: 'queued', reason: deps.length ? 'its needs succeeded' : 'nothing to wait for' };
    case 'always':
      return allDone ? { name: job.name, to: 'queued', reason: 'runs always' } : null;
    case 'on_failure': {
      if (!allDone) return null;
      const failed = deps.find(failedHard);
      return failed
        ? { name: job.name, to: 'queued', reason: `${failed.name} failed` }
        : { name: job.name, to: 'skipped', reason: 'nothing it needs failed' };
    }
    default: {
      const never: never = job.when;
      throw new Error(`unknown when: ${String(never)}`);
    }
  }
}

/** Every decision the jobs' current statuses call for, cascading skips to a fixpoint. */
export function advance(jobs: readonly AdvanceJob[]): Decision[] {
  const byName = new Map(jobs.map((j) => [j.name, { ...j }]));
  const decisions: Decision[] = [];
  for (let changed = true; changed;) {
    changed = false;
    for (const job of byName.values()) {
      if (job.status !== 'pending') continue;
      const deps = job.needs.map((n) => byName.get(n)).filter((d): d is AdvanceJob => d !== undefined);
      const decision = decide(job, deps);
      if (!decision) continue;
      decisions.push(decision);
      job.status = decision.to;
      changed = true;
    }
  }
  return decisions;
}
