// The critical path of a run: the chain of `needs` with the longest total
// duration, i.e. the jobs that decide how long the run takes.
import { compare, edgeId, resolveDag, toMs, type ResolvedDag } from './graph';
import type { DagInput, DagJob } from './types';

export interface CriticalPath {
  jobIds: Set<string>;
  /** Same ids as the layout's edges: `${source}->${target}`. */
  edgeIds: Set<string>;
  totalMs: number;
}

/**
 * A job's duration from its timing: finished − started; a running job counts
 * until `now`. Null when it has no usable timing (never started, or stopped
 * without a finish time).
 */
export function jobDurationMs(job: DagJob, now: Date): number | null {
  const started = toMs(job.startedAt);
  if (started === null) return null;
  const finished = toMs(job.finishedAt);
  if (finished !== null) return Math.max(0, finished - started);
  if (job.status === 'running') return Math.max(0, now.getTime() - started);
  return null;
}

function median(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Prefers `a` over `b`: longer total, then earlier name. */
function better(a: string, b: string | undefined, total: Map<string, number>, dag: ResolvedDag): boolean {
  if (b === undefined) return true;
  const ta = total.get(a)!;
  const tb = total.get(b)!;
  return ta > tb || (ta === tb && compare(dag.byId.get(a)!.name, dag.byId.get(b)!.name) < 0);
}

/**
 * For each job, the longest total duration of a chain ending in it and the
 * job it came through, in Kahn's topological order. Jobs on a `needs` cycle
 * (an invalid config) never become ready and are left out rather than looping.
 */
function longestChains(dag: ResolvedDag, weight: (id: string) => number) {
  const waiting = new Map(dag.jobs.map((j) => [j.id, dag.needs.get(j.id)!.length]));
  const ready = dag.jobs.filter((j) => waiting.get(j.id) === 0).map((j) => j.id);
  const total = new Map<string, number>();
  const via = new Map<string, string>();
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i]!;
    let from: string | undefined;
    for (const need of dag.needs.get(id)!) if (better(need, from, total, dag)) from = need;
    if (from !== undefined) via.set(id, from);
    total.set(id, (from === undefined ? 0 : total.get(from)!) + weight(id));
    for (const next of dag.neededBy.get(id)!) {
      const left = waiting.get(next)! - 1;
      waiting.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  return { total, via };
}

/**
 * Longest path through the DAG weighted by job duration; jobs without timing
 * weigh the median of the known durations (0 when none is known). Ties go to
 * the job earlier by name, so the result is deterministic. A path that sums to
 * 0 ms is no path: everything is empty.
 */
export function criticalPath(input: DagInput, now: Date): CriticalPath {
  const dag = resolveDag(input);
  const known = new Map<string, number>();
  for (const job of dag.jobs) {
    const ms = jobDurationMs(job, now);
    if (ms !== null) known.set(job.id, ms);
  }
  const fallback = median([...known.values()]);
  const { total, via } = longestChains(dag, (id) => known.get(id) ?? fallback);

  let end: string | undefined;
  for (const id of total.keys()) if (better(id, end, total, dag)) end = id;
  const result: CriticalPath = { jobIds: new Set(), edgeIds: new Set(), totalMs: 0 };
  if (end === undefined || total.get(end)! <= 0) return result;
  result.totalMs = total.get(end)!;
  for (let id: string | undefined = end; id !== undefined; id = via.get(id)) {
    result.jobIds.add(id);
    const from = via.get(id);
    if (from !== undefined) result.edgeIds.add(edgeId(from, id));
  }
  return result;
}
