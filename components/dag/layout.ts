// Where each job of a run sits: stages as columns left to right, jobs stacked
// in each column, ordered to reduce edge crossings. Jobs that need jobs of their
// own stage move into sub-columns of that stage, so every edge runs left to
// right. Pure and deterministic: the same graph always lays out the same,
// whatever the order of the input.
import { compare, resolveDag, type ResolvedDag } from './graph';
import type { DagEdge, DagInput } from './types';

export interface LayoutOptions {
  /** Width of every job node, and of a stage column with a single sub-column. */
  columnWidth: number;
  /** Horizontal space between stage columns (where the edges run). */
  columnGap: number;
  /** Horizontal space between the sub-columns of one stage. */
  subColumnGap: number;
  nodeHeight: number;
  rowGap: number;
  /** Band above the jobs for the stage headers. */
  headerHeight: number;
  /** Barycenter sweeps (each one down and one up); stops early at zero crossings. */
  sweeps: number;
}

export const DEFAULT_LAYOUT: LayoutOptions = {
  columnWidth: 220,
  columnGap: 72,
  subColumnGap: 48,
  nodeHeight: 64,
  rowGap: 14,
  headerHeight: 44,
  sweeps: 4,
};

export interface LayoutNode {
  /** The job's id. */
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Index of the stage's column in `DagLayout.columns`. */
  stageIndex: number;
}

export interface LayoutColumn {
  /** The stage's name; the extra column for unknown stages is named after them, comma-separated. */
  stage: string;
  x: number;
  /** Spans all the stage's sub-columns. */
  width: number;
}

export interface DagLayout {
  nodes: LayoutNode[];
  edges: DagEdge[];
  columns: LayoutColumn[];
  width: number;
  height: number;
}

/** The part of the input the layout depends on: a memo key that ignores statuses and timings. */
export function layoutKey(input: DagInput): string {
  return JSON.stringify([input.stages, input.jobs.map((j) => [j.id, j.name, j.stage, j.needs])]);
}

export function layoutDag(input: DagInput, opts: Partial<LayoutOptions> = {}): DagLayout {
  const o = { ...DEFAULT_LAYOUT, ...opts };
  const dag = resolveDag(input);
  const { names, columns, columnOf } = assignColumns(input.stages, dag);
  const { lanes, laneOf, laneCounts } = assignLanes(columns, columnOf, dag);
  orderLanes(lanes, laneOf, dag, o.sweeps);

  const laneStep = o.columnWidth + o.subColumnGap;
  const layoutColumns: LayoutColumn[] = [];
  const laneX: number[] = [];
  let x = 0;
  names.forEach((stage, c) => {
    const count = laneCounts[c]!;
    for (let d = 0; d < count; d++) laneX.push(x + d * laneStep);
    const width = count * laneStep - o.subColumnGap;
    layoutColumns.push({ stage, x, width });
    x += width + o.columnGap;
  });

  const nodes: LayoutNode[] = [];
  lanes.forEach((ids, lane) => {
    ids.forEach((id, row) => {
      const y = o.headerHeight + row * (o.nodeHeight + o.rowGap);
      const stageIndex = columnOf.get(id)!;
      nodes.push({ id, x: laneX[lane]!, y, width: o.columnWidth, height: o.nodeHeight, stageIndex });
    });
  });
  const rows = Math.max(0, ...lanes.map((ids) => ids.length));
  return {
    nodes,
    edges: dag.edges,
    columns: layoutColumns,
    width: names.length === 0 ? 0 : x - o.columnGap,
    height: names.length === 0 ? 0 : o.headerHeight + Math.max(0, rows * (o.nodeHeight + o.rowGap) - o.rowGap),
  };
}

/** One column per distinct stage, plus one last column for jobs whose stage is not listed. */
function assignColumns(stages: string[], dag: ResolvedDag) {
  const names = [...new Set(stages)];
  const index = new Map(names.map((s, i) => [s, i]));
  const unknown = [...new Set(dag.jobs.filter((j) => !index.has(j.stage)).map((j) => j.stage))].sort(compare);
  if (unknown.length > 0) names.push(unknown.join(', '));
  const columns: string[][] = names.map(() => []);
  const columnOf = new Map<string, number>();
  for (const job of dag.jobs) {
    const c = index.get(job.stage) ?? names.length - 1;
    columns[c]!.push(job.id);
    columnOf.set(job.id, c);
  }
  return { names, columns, columnOf };
}

/**
 * Splits each column into sub-columns ("lanes") by in-column depth: a job's
 * depth is 0 when it needs no job of its column, else 1 + the deepest such need.
 * Lanes are numbered left to right across all columns; a column has at least
 * one lane, even without jobs. Each lane lists its jobs in (name, id) order.
 */
function assignLanes(columns: string[][], columnOf: Map<string, number>, dag: ResolvedDag) {
  const lanes: string[][] = [];
  const laneOf = new Map<string, number>();
  const laneCounts: number[] = [];
  columns.forEach((ids, c) => {
    const depth = depthsInColumn(ids, c, columnOf, dag);
    const count = 1 + Math.max(0, ...depth.values());
    const first = lanes.length;
    for (let d = 0; d < count; d++) lanes.push([]);
    for (const id of ids) {
      const lane = first + depth.get(id)!;
      lanes[lane]!.push(id);
      laneOf.set(id, lane);
    }
    laneCounts.push(count);
  });
  return { lanes, laneOf, laneCounts };
}

/**
 * Longest chain of same-column needs ending in each job, in Kahn's topological
 * order. Jobs on a `needs` cycle (an invalid config) never become ready: they
 * come last, in (name, id) order, counting only needs already placed. Depth
 * never exceeds a job's position in that order, and is capped below the
 * column's job count besides, so a cycle can neither loop nor widen a stage
 * past one sub-column per job.
 */
function depthsInColumn(ids: string[], c: number, columnOf: Map<string, number>, dag: ResolvedDag) {
  const local = (id: string) => dag.needs.get(id)!.filter((need) => columnOf.get(need) === c);
  const waiting = new Map(ids.map((id) => [id, local(id).length]));
  const order = ids.filter((id) => waiting.get(id) === 0);
  for (let i = 0; i < order.length; i++) {
    for (const next of dag.neededBy.get(order[i]!)!) {
      if (columnOf.get(next) !== c) continue;
      const left = waiting.get(next)! - 1;
      waiting.set(next, left);
      if (left === 0) order.push(next);
    }
  }
  if (order.length < ids.length) order.push(...ids.filter((id) => waiting.get(id)! > 0));
  const depth = new Map<string, number>();
  for (const id of order) {
    let d = 0;
    for (const need of local(id)) {
      const nd = depth.get(need);
      if (nd !== undefined) d = Math.max(d, nd + 1);
    }
    depth.set(id, Math.min(d, ids.length - 1));
  }
  return depth;
}

/**
 * Barycenter heuristic over the lanes (sub-columns, left to right): sweep left
 * to right ordering each lane by the mean row of the jobs it needs, then right
 * to left by the mean row of the jobs that need it; keep the ordering with the
 * fewest crossings seen. A job without such neighbours keeps its row; ties go
 * to the (name, id) order.
 */
function orderLanes(lanes: string[][], laneOf: Map<string, number>, dag: ResolvedDag, sweeps: number) {
  const rank = new Map(dag.jobs.map((j, i) => [j.id, i]));
  const row = new Map<string, number>();
  const place = (ids: string[]) => ids.forEach((id, r) => row.set(id, r));
  lanes.forEach(place);

  const reorder = (c: number, neighbours: Map<string, string[]>, before: boolean) => {
    const ids = lanes[c]!;
    const bary = new Map<string, number>();
    for (const id of ids) {
      let sum = 0;
      let n = 0;
      for (const other of neighbours.get(id)!) {
        const oc = laneOf.get(other)!;
        if (before ? oc < c : oc > c) {
          sum += row.get(other)!;
          n++;
        }
      }
      bary.set(id, n > 0 ? sum / n : row.get(id)!);
    }
    ids.sort((a, b) => bary.get(a)! - bary.get(b)! || rank.get(a)! - rank.get(b)!);
    place(ids);
  };

  let best = lanes.map((ids) => [...ids]);
  let bestCrossings = countCrossings(dag.edges, laneOf, row);
  for (let s = 0; s < sweeps && bestCrossings > 0; s++) {
    for (let c = 1; c < lanes.length; c++) reorder(c, dag.needs, true);
    for (let c = lanes.length - 2; c >= 0; c--) reorder(c, dag.neededBy, false);
    const crossings = countCrossings(dag.edges, laneOf, row);
    if (crossings < bestCrossings) {
      bestCrossings = crossings;
      best = lanes.map((ids) => [...ids]);
    }
  }
  best.forEach((ids, c) => (lanes[c] = ids));
}

/**
 * Crossings between edges that join the same pair of columns (edges spanning
 * different columns are not compared: cheap, and good enough to pick the best sweep).
 */
export function countCrossings(edges: DagEdge[], columnOf: Map<string, number>, row: Map<string, number>): number {
  const groups = new Map<string, [number, number][]>();
  for (const e of edges) {
    const sc = columnOf.get(e.source)!;
    const tc = columnOf.get(e.target)!;
    if (sc === tc) continue;
    const [l, r] = sc < tc ? [e.source, e.target] : [e.target, e.source];
    const key = `${Math.min(sc, tc)}:${Math.max(sc, tc)}`;
    const group = groups.get(key) ?? [];
    group.push([row.get(l)!, row.get(r)!]);
    groups.set(key, group);
  }
  let crossings = 0;
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i++) {
      const [al, ar] = group[i]!;
      for (let j = i + 1; j < group.length; j++) {
        const [bl, br] = group[j]!;
        if ((al - bl) * (ar - br) < 0) crossings++;
      }
    }
  }
  return crossings;
}
