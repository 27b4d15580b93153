// The DAG of a parsed config: which job waits for which, in topological levels,
// with the critical path (the chain that bounds how fast a run can finish).
// Pure and deterministic: the same config gives the same arrays in the same order.
import { buildGraph, topologicalLevels } from './graph';
import type { PipelineConfig } from './model';

export type DagJob = {
  name: string;
  stage: string;
  /** Position of the stage in `config.stages`. */
  stageIndex: number;
  /** The jobs it waits for, in DAG order: its needs, or every job of earlier stages. */
  dependsOn: string[];
  /** Its topological level (index in `Dag.levels`). */
  level: number;
};

/** `to` waits for `from`. */
export type DagEdge = { from: string; to: string };

export type CriticalPath = {
  /** From the first job to the last. */
  jobs: string[];
  /** Sum of the path's historical durations; 0 when no durations were given. */
  seconds: number;
};

export type Dag = {
  /** By stage order, then name. */
  jobs: DagJob[];
  /** By the order of `to`, then of `from`. */
  edges: DagEdge[];
  /** Level 0 waits for nothing; each level waits only for lower ones. Within a level, DAG order. */
  levels: string[][];
  /** null only for a config without jobs. */
  criticalPath: CriticalPath | null;
};

export type DagOptions = {
  /**
   * Historical seconds per job name. With them the critical path is the longest
   * by time (a job without history counts as the median of those with one);
   * without them, the path with the most jobs.
   */
  durations?: Record<string, number>;
};

/** `config` comes from parsePipelineConfig, so needs name real jobs and have no cycle. */
export function buildDag(config: PipelineConfig, opts: DagOptions = {}): Dag {
  const stageIndex = new Map(config.stages.map((s, i) => [s, i]));
  const stageOf = (stage: string) => stageIndex.get(stage) ?? -1;
  const sorted = [...config.jobs].sort((a, b) => stageOf(a.stage) - stageOf(b.stage) || compare(a.name, b.name));
  const graph = buildGraph(sorted, config.stages);
  // Job numbers follow DAG order, so sorting numbers sorts by DAG order.
  const deps = graph.deps.map((d, i) => (sorted[i]!.needs ? [...d].sort((a, b) => a - b) : d));
  const levels = topologicalLevels({ ...graph, deps });
  const levelOf = new Int32Array(sorted.length).fill(-1);
  levels.forEach((ids, level) => ids.forEach((i) => (levelOf[i] = level)));
  const names = graph.names;
  const jobs: DagJob[] = [];
  const edges: DagEdge[] = [];
  // Jobs of one stage without needs share a dependency array: name it once, copy it per job.
  const named = new Map<readonly number[], string[]>();
  sorted.forEach((j, i) => {
    const ids = deps[i]!;
    let list = named.get(ids);
    if (!list) named.set(ids, (list = ids.map((d) => names[d]!)));
    const dependsOn = list.slice();
    jobs.push({ name: j.name, stage: j.stage, stageIndex: stageOf(j.stage), dependsOn, level: levelOf[i]! });
    for (const from of dependsOn) edges.push({ from, to: j.name });
  });
  return {
    jobs,
    edges,
    levels: levels.map((ids) => ids.map((i) => names[i]!)),
    criticalPath: criticalPath(levels, deps, names, weights(names, opts.durations)),
  };
}

/** Code-unit order: the same in every locale. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

type Weights = { of: (name: string) => number; timed: boolean };

function weights(order: readonly string[], durations: Record<string, number> | undefined): Weights {
  const known = new Map<string, number>();
  for (const n of order) {
    const d = durations && Object.hasOwn(durations, n) ? durations[n] : undefined;
    if (typeof d === 'number' && Number.isFinite(d) && d >= 0) known.set(n, d);
  }
  if (known.size === 0) return { of: () => 1, timed: false };
  const fallback = median([...known.values()]);
  return { of: (n) => known.get(n) ?? fallback, timed: true };
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Longest path by weight. Ties go to the dependency earlier in DAG order, and to the end job found first by level. */
function criticalPath(
  levels: number[][],
  deps: (readonly number[])[],
  names: string[],
  w: Weights,
): CriticalPath | null {
  const total = new Float64Array(names.length);
  const via = new Int32Array(names.length).fill(-1);
  let end = -1;
  for (const job of levels.flat()) {
    let best = 0;
    for (const dep of deps[job]!) {
      if (via[job] === -1 || total[dep]! > best) {
        best = total[dep]!;
        via[job] = dep;
      }
    }
    total[job] = best + w.of(names[job]!);
    if (end === -1 || total[job]! > total[end]!) end = job;
  }
  if (end === -1) return null;
  const jobs: string[] = [];
  for (let at = end; at !== -1; at = via[at]!) jobs.push(names[at]!);
  jobs.reverse();
  return { jobs, seconds: w.timed ? total[end]! : 0 };
}
