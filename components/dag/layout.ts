// Where each job of a run sits: stages as columns left to right, jobs stacked
// in each column, ordered to reduce edge crossings. Pure and deterministic: the
// same graph always lays out the same, whatever the order of the input.
import { compare, resolveDag, type ResolvedDag } from './graph';
import type { DagEdge, DagInput } from './types';

export interface LayoutOptions {
  /** Width of a column, and of every job node. */
  columnWidth: number;
  /** Horizontal space between columns (where the edges run). */
  columnGap: number;
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
  stageIndex: number;
}

export interface LayoutColumn {
  /** The stage's name; the extra column for unknown stages is named after them, comma-separated. */
  stage: string;
  x: number;
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
  orderColumns(columns, columnOf, dag, o.sweeps);

  const step = o.columnWidth + o.columnGap;
  const nodes: LayoutNode[] = [];
  columns.forEach((ids, c) => {
    ids.forEach((id, row) => {
      const y = o.headerHeight + row * (o.nodeHeight + o.rowGap);
      nodes.push({ id, x: c * step, y, width: o.columnWidth, height: o.nodeHeight, stageIndex: c });
    });
  });
  const rows = Math.max(0, ...columns.map((ids) => ids.length));
  return {
    nodes,
    edges: dag.edges,
    columns: names.map((stage, c) => ({ stage, x: c * step, width: o.columnWidth })),
    width: names.length === 0 ? 0 : names.length * step - o.columnGap,
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
 * Barycenter heuristic: sweep left to right ordering each column by the mean
 * row of the jobs it needs, then right to left by the mean row of the jobs that
 * need it; keep the ordering with the fewest crossings seen. A job without such
 * neighbours keeps its row; ties go to the (name, id) order.
 */
function orderColumns(columns: string[][], columnOf: Map<string, number>, dag: ResolvedDag, sweeps: number) {
  const rank = new Map(dag.jobs.map((j, i) => [j.id, i]));
  const row = new Map<string, number>();
  const place = (ids: string[]) => ids.forEach((id, r) => row.set(id, r));
  columns.forEach(place);

  const reorder = (c: number, neighbours: Map<string, string[]>, before: boolean) => {
    const ids = columns[c]!;
    const bary = new Map<string, number>();
    for (const id of ids) {
      let sum = 0;
      let n = 0;
      for (const other of neighbours.get(id)!) {
        const oc = columnOf.get(other)!;
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

  let best = columns.map((ids) => [...ids]);
  let bestCrossings = countCrossings(dag.edges, columnOf, row);
  for (let s = 0; s < sweeps && bestCrossings > 0; s++) {
    for (let c = 1; c < columns.length; c++) reorder(c, dag.needs, true);
    for (let c = columns.length - 2; c >= 0; c--) reorder(c, dag.neededBy, false);
    const crossings = countCrossings(dag.edges, columnOf, row);
    if (crossings < bestCrossings) {
      bestCrossings = crossings;
      best = columns.map((ids) => [...ids]);
    }
  }
  best.forEach((ids, c) => (columns[c] = ids));
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
