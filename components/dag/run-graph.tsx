'use client';
// The run page's live DAG: stages as columns, jobs as nodes, needs as edges,
// the critical path highlighted.
import { Controls, Panel, ReactFlow, type NodeMouseHandler, type ReactFlowProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { useCallback, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { formatDuration } from '@/components/runs/format';
import { criticalPath } from './critical-path';
import { createFlowBuilder, stageNodes, type DagNode } from './flow-elements';
import { FixedNowContext, nodeTypes } from './job-node';
import { DEFAULT_LAYOUT, layoutDag, layoutKey } from './layout';
import { useHydrated, useNow, wallClock } from './live-clock';
import styles from './run-graph.module.css';
import type { DagInput } from './types';

export interface RunGraphProps {
  input: DagInput;
  /** Called with the job's id on click, or Enter/Space on a focused job. */
  onOpenJob: (jobId: string) => void;
  /** The page's clock, for running jobs' durations and the critical path; without it the graph ticks every second. */
  now?: Date;
}

/** Above this many jobs only the nodes and edges in view are mounted: fewer DOM nodes when zoomed in. */
const VIRTUALIZE_ABOVE = 150;
const HEADER_HEIGHT = DEFAULT_LAYOUT.headerHeight - 12;

/**
 * A view, not an editor: nothing drags, connects, selects or deletes. Jobs are
 * reached with Tab through the button each job node renders (the node wrappers
 * themselves are not focusable: Enter on them would select, not open).
 * Small runs are not blown up past 100 %; large ones zoom out as far as 10 %.
 */
const VIEW_ONLY = {
  nodeTypes,
  nodesDraggable: false,
  nodesConnectable: false,
  nodesFocusable: false,
  edgesFocusable: false,
  elementsSelectable: false,
  deleteKeyCode: null,
  selectionKeyCode: null,
  multiSelectionKeyCode: null,
  fitView: true,
  fitViewOptions: { padding: 0.08, maxZoom: 1 },
  minZoom: 0.1,
  maxZoom: 2,
} satisfies Partial<ReactFlowProps<DagNode>>;

/**
 * Fills its parent, which must have a height: e.g. a wrapper with
 * `height: min(70vh, 640px)` (below 320px it keeps a min-height of 320px).
 * Renders client-side only (a "Loading the graph…" placeholder during SSR and
 * hydration). Fits the view once, on the first render; pan with drag, zoom with
 * the wheel or the controls. Test hooks: `[data-testid=dag-node]` with
 * `data-job`, `data-status` (and `data-critical` on the path), and
 * `[data-testid=critical-path]`.
 */
export function RunGraph({ input, onOpenJob, now }: RunGraphProps) {
  const hydrated = useHydrated();
  const nowMs = now?.getTime() ?? null;

  // The layout depends on the graph's shape only, not on statuses or timings.
  const shape = layoutKey(input);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on the shape on purpose: statuses change every second
  const layout = useMemo(() => layoutDag(input), [shape]);
  const stages = useMemo(() => stageNodes(layout, HEADER_HEIGHT), [layout]);

  const critical = useMemo(() => {
    const at = nowMs ?? wallClock();
    return { ...criticalPath(input, new Date(at)), at };
  }, [input, nowMs]);

  // Unchanged jobs keep their node objects from one status update to the next: only changed ones re-render.
  const [build] = useState(() => createFlowBuilder());
  const { nodes, edges } = useMemo(
    () => build(layout, stages, input, critical),
    [build, layout, stages, input, critical],
  );

  // Stable across renders even when the page passes a new arrow each time: a new
  // onNodeClick would re-render every node wrapper.
  const openJob = useRef(onOpenJob);
  useLayoutEffect(() => {
    openJob.current = onOpenJob;
  });
  const onNodeClick = useCallback<NodeMouseHandler<DagNode>>((_event, node) => {
    if (node.type === 'job') openJob.current(node.id);
  }, []);

  if (!hydrated) {
    return (
      <div className={styles.root} aria-busy="true">
        <p className={styles.loading}>Loading the graph…</p>
      </div>
    );
  }
  const running = input.jobs.some((j) => critical.jobIds.has(j.id) && j.status === 'running');
  return (
    <div className={styles.root}>
      <FixedNowContext value={nowMs}>
        <ReactFlow<DagNode>
          aria-label="Pipeline graph"
          nodes={nodes}
          edges={edges}
          onNodeClick={onNodeClick}
          onlyRenderVisibleElements={input.jobs.length > VIRTUALIZE_ABOVE}
          {...VIEW_ONLY}
        >
          <Panel position="top-right">
            <CriticalPathLegend totalMs={critical.totalMs} computedAt={critical.at} live={running && nowMs === null} />
          </Panel>
          <Controls showInteractive={false} />
        </ReactFlow>
      </FixedNowContext>
    </div>
  );
}

/**
 * "Critical path 3m 12s". While a job on the path runs, the total grows with the
 * clock between input updates (a running job can only make its own chain longer).
 */
function CriticalPathLegend({ totalMs, computedAt, live }: { totalMs: number; computedAt: number; live: boolean }) {
  const now = useNow(live ? null : computedAt) ?? computedAt;
  return (
    <p className={styles.legend} data-testid="critical-path">
      <span className={styles.legendSwatch} aria-hidden="true" />
      Critical path {totalMs > 0 ? formatDuration(totalMs + Math.max(0, now - computedAt)) : '—'}
    </p>
  );
}
