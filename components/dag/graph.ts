// Resolves a run's `needs` (job names) into edges between job ids, the one
// reading of the input that the layout and the critical path share.
import type { DagEdge, DagInput, DagJob } from './types';

export interface ResolvedDag {
  /** The jobs sorted by name, then id: every later step iterates in this order, so results never depend on input order. */
  jobs: DagJob[];
  byId: Map<string, DagJob>;
  /** Sorted by edge id; no duplicates, no self-loops, no edges to missing jobs. */
  edges: DagEdge[];
  /** Job id → ids of the jobs it needs. */
  needs: Map<string, string[]>;
  /** Job id → ids of the jobs that need it. */
  neededBy: Map<string, string[]>;
}

export function edgeId(source: string, target: string): string {
  return `${source}->${target}`;
}

function byNameThenId(a: DagJob, b: DagJob): number {
  return compare(a.name, b.name) || compare(a.id, b.id);
}

/** Plain code-unit order: locale-independent, so the server, tests and every browser agree. */
export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Epoch ms of a timestamp as it arrives (a Date, or an ISO string after JSON); null when missing or invalid. */
export function toMs(value: Date | string | null): number | null {
  if (value === null) return null;
  const ms = (typeof value === 'string' ? new Date(value) : value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

export function resolveDag(input: DagInput): ResolvedDag {
  const jobs = [...input.jobs].sort(byNameThenId);
  const byId = new Map<string, DagJob>();
  const byName = new Map<string, DagJob>();
  for (const job of jobs) {
    byId.set(job.id, job);
    // Names are unique in a valid run; if not, the first by (name, id) wins.
    if (!byName.has(job.name)) byName.set(job.name, job);
  }
  const edges = new Map<string, DagEdge>();
  const needs = new Map<string, string[]>();
  const neededBy = new Map<string, string[]>();
  for (const job of jobs) {
    needs.set(job.id, []);
    neededBy.set(job.id, []);
  }
  for (const job of jobs) {
    for (const name of job.needs) {
      const source = byName.get(name);
      if (!source || source.id === job.id) continue;
      const id = edgeId(source.id, job.id);
      if (edges.has(id)) continue;
      edges.set(id, { id, source: source.id, target: job.id });
      needs.get(job.id)!.push(source.id);
      neededBy.get(source.id)!.push(job.id);
    }
  }
  const sorted = [...edges.values()].sort((a, b) => compare(a.id, b.id));
  return { jobs, byId, edges: sorted, needs, neededBy };
}
