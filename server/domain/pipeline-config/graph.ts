// The dependency rule shared by validation and the DAG: a job with `needs` waits
// for exactly those jobs; a job without the key waits for every job of every
// earlier stage; `needs: []` waits for nothing. Jobs are numbered in the order
// given, and edges are arrays of those numbers: with implicit needs a 500-job
// config has tens of thousands of edges, and string-keyed lookups per edge
// would dominate the parse.

export type GraphJob = { name: string; stage: string; needs: readonly string[] | null };

export type Graph = {
  names: string[];
  /** For job i, the jobs it waits for. Jobs of one stage without needs share one array. */
  deps: (readonly number[])[];
};

/**
 * Needs naming no job in `jobs` are dropped (validation reports them), as are
 * repeats. Jobs whose stage is not in `stages` get only their explicit needs.
 */
export function buildGraph(jobs: readonly GraphJob[], stages: readonly string[]): Graph {
  const names = jobs.map((j) => j.name);
  const index = new Map(names.map((n, i) => [n, i]));
  const stageIndex = new Map(stages.map((s, i) => [s, i]));
  const byStage: number[][] = stages.map(() => []);
  jobs.forEach((j, i) => {
    const s = stageIndex.get(j.stage);
    if (s !== undefined) byStage[s]!.push(i);
  });
  const before: number[][] = [];
  let acc: number[] = [];
  for (const ids of byStage) {
    before.push(acc);
    acc = acc.concat(ids);
  }
  const deps = jobs.map((j) => {
    if (j.needs) return [...new Set(j.needs.map((n) => index.get(n)).filter((i) => i !== undefined))];
    const s = stageIndex.get(j.stage);
    return s === undefined ? [] : before[s]!;
  });
  return { names, deps };
}

/** A cycle in needs, closed by the edge `from` → `to` (from needs to). */
export type Cycle = { jobs: string[]; from: string; to: string };

/**
 * Every back edge found by a depth-first walk in job order (and each job's deps
 * in their order): each one closes a cycle. Iterative, so long chains cannot
 * overflow the stack.
 */
export function findCycles(g: Graph): Cycle[] {
  const OPEN = 1;
  const DONE = 2;
  const state = new Uint8Array(g.names.length);
  const cycles: Cycle[] = [];
  for (let start = 0; start < g.names.length; start++) {
    if (state[start] !== 0) continue;
    const stack: number[] = [start];
    const next: number[] = [0];
    state[start] = OPEN;
    while (stack.length > 0) {
      const top = stack.length - 1;
      const job = stack[top]!;
      const dep = g.deps[job]![next[top]!++];
      if (dep === undefined) {
        state[job] = DONE;
        stack.pop();
        next.pop();
      } else if (state[dep] === OPEN) {
        const cycle = stack.slice(stack.indexOf(dep)).concat(dep);
        cycles.push({ jobs: cycle.map((i) => g.names[i]!), from: g.names[job]!, to: g.names[dep]! });
      } else if (state[dep] === 0) {
        state[dep] = OPEN;
        stack.push(dep);
        next.push(0);
      }
    }
  }
  return cycles;
}

/**
 * Topological levels of job numbers: level 0 waits for nothing, level k for jobs
 * of lower levels and at least one of level k-1. Within a level, job order.
 * Jobs on or behind a cycle are left out.
 */
export function topologicalLevels(g: Graph): number[][] {
  const n = g.names.length;
  const waiting = new Int32Array(n);
  const dependents: number[][] = Array.from({ length: n }, () => []);
  g.deps.forEach((deps, job) => {
    waiting[job] = deps.length;
    for (const d of deps) dependents[d]!.push(job);
  });
  const out: number[][] = [];
  let ready: number[] = [];
  for (let i = 0; i < n; i++) if (waiting[i] === 0) ready.push(i);
  while (ready.length > 0) {
    out.push(ready);
    const next: number[] = [];
    for (const job of ready) {
      for (const m of dependents[job]!) if (--waiting[m]! === 0) next.push(m);
    }
    ready = next.sort((a, b) => a - b);
  }
  return out;
}
