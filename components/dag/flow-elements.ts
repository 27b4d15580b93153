// Turns a layout and the live job statuses into React Flow nodes and edges.
// Statuses change every second or so while a run is live: node and edge
// objects whose content did not change are reused from the previous build, so
// React Flow re-renders only the jobs that changed.
import type { Edge, Node } from '@xyflow/react';
import type { CriticalPath } from './critical-path';
import { toMs } from './graph';
import type { DagLayout } from './layout';
import type { DagInput, JobStatus } from './types';

/** What a job node renders; timings as epoch ms so equality is cheap. */
export type JobNodeData = {
  name: string;
  status: JobStatus;
  startedAtMs: number | null;
  finishedAtMs: number | null;
  attemptCount: number;
  allowFailure: boolean;
  critical: boolean;
};
export type JobNode = Node<JobNodeData, 'job'>;

export type StageNodeData = { stage: string; jobCount: number };
export type StageNode = Node<StageNodeData, 'stage'>;

export type DagNode = JobNode | StageNode;

/** Global class on critical-path edges (styled in run-graph.module.css). */
export const CRITICAL_EDGE_CLASS = 'dag-critical-edge';

/** The previous build, by id; pass it back in to reuse unchanged objects. */
export interface FlowCache {
  jobs: Map<string, JobNode>;
  edges: Map<string, Edge>;
}

export const emptyFlowCache = (): FlowCache => ({ jobs: new Map(), edges: new Map() });

/**
 * A build function that remembers its previous result: what it returns depends
 * only on its arguments; the memory only decides which objects are reused.
 */
export function createFlowBuilder() {
  let previous = emptyFlowCache();
  return (layout: DagLayout, stages: StageNode[], input: DagInput, critical: CriticalPath) => {
    const jobs = jobNodes(layout, input, critical, previous);
    const edges = flowEdges(layout, critical, previous);
    previous = { jobs: jobs.cache, edges: edges.cache };
    return { nodes: [...stages, ...jobs.nodes] as DagNode[], edges: edges.edges };
  };
}

function sameData(a: JobNodeData, b: JobNodeData): boolean {
  return (
    a.name === b.name &&
    a.status === b.status &&
    a.startedAtMs === b.startedAtMs &&
    a.finishedAtMs === b.finishedAtMs &&
    a.attemptCount === b.attemptCount &&
    a.allowFailure === b.allowFailure &&
    a.critical === b.critical
  );
}

/** Header nodes above the columns: labels only, neither focusable nor clickable. */
export function stageNodes(layout: DagLayout, headerHeight: number): StageNode[] {
  const counts = new Map<number, number>();
  for (const n of layout.nodes) counts.set(n.stageIndex, (counts.get(n.stageIndex) ?? 0) + 1);
  return layout.columns.map((column, i) => ({
    id: `stage:${i}`,
    type: 'stage',
    position: { x: column.x, y: 0 },
    width: column.width,
    height: headerHeight,
    data: { stage: column.stage, jobCount: counts.get(i) ?? 0 },
    selectable: false,
    focusable: false,
    draggable: false,
    style: { pointerEvents: 'none' },
  }));
}

export function jobNodes(layout: DagLayout, input: DagInput, critical: CriticalPath, previous: FlowCache) {
  const byId = new Map(input.jobs.map((j) => [j.id, j]));
  const cache = new Map<string, JobNode>();
  const nodes: JobNode[] = [];
  for (const n of layout.nodes) {
    const job = byId.get(n.id);
    if (!job) continue; // the layout is memoised on shape: it matches the input by construction
    const data: JobNodeData = {
      name: job.name,
      status: job.status,
      startedAtMs: toMs(job.startedAt),
      finishedAtMs: toMs(job.finishedAt),
      attemptCount: job.attemptCount,
      allowFailure: job.allowFailure,
      critical: critical.jobIds.has(job.id),
    };
    const old = previous.jobs.get(n.id);
    const node: JobNode =
      old && old.position.x === n.x && old.position.y === n.y && old.width === n.width && sameData(old.data, data)
        ? old
        : { id: n.id, type: 'job', position: { x: n.x, y: n.y }, width: n.width, height: n.height, data };
    cache.set(n.id, node);
    nodes.push(node);
  }
  return { nodes, cache };
}

export function flowEdges(layout: DagLayout, critical: CriticalPath, previous: FlowCache) {
  const cache = new Map<string, Edge>();
  const edges = layout.edges.map((e) => {
    const onPath = critical.edgeIds.has(e.id);
    const old = previous.edges.get(e.id);
    const edge: Edge =
      old && old.source === e.source && old.target === e.target && (old.className === CRITICAL_EDGE_CLASS) === onPath
        ? old
        : {
            id: e.id,
            source: e.source,
            target: e.target,
            type: 'smoothstep',
            // Drawn above the others so the path reads as one line where edges overlap.
            zIndex: onPath ? 1 : 0,
            ...(onPath && { className: CRITICAL_EDGE_CLASS }),
          };
    cache.set(e.id, edge);
    return edge;
  });
  return { edges, cache };
}
