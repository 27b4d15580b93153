'use client';
// The graph's node types: a job (a button: click or Enter opens it) and a
// stage header above each column.
import { Handle, Position, useStoreApi, type NodeProps } from '@xyflow/react';
import { createContext, memo, useContext, type FocusEvent } from 'react';
import { formatDuration } from '@/components/runs/format';
import type { JobNode, StageNode } from './flow-elements';
import { useNow } from './live-clock';
import styles from './run-graph.module.css';
import { STATUS_ICONS } from '@/components/runs/status-icons';

/** The page's clock (epoch ms) when it passes `now`; null to tick on our own. */
export const FixedNowContext = createContext<number | null>(null);

function LiveDuration({ startedAtMs }: { startedAtMs: number }) {
  const now = useNow(useContext(FixedNowContext));
  return now === null ? null : <>{formatDuration(now - startedAtMs)}</>;
}

function Duration({ data }: { data: JobNode['data'] }) {
  const { startedAtMs, finishedAtMs } = data;
  if (startedAtMs !== null && finishedAtMs !== null) return <>{formatDuration(finishedAtMs - startedAtMs)}</>;
  // Only running jobs subscribe to the clock: the rest never re-render on a tick.
  if (startedAtMs !== null && data.status === 'running') return <LiveDuration startedAtMs={startedAtMs} />;
  return null;
}

function JobNodeView({ data, positionAbsoluteX: x, positionAbsoluteY: y, width = 0, height = 0 }: NodeProps<JobNode>) {
  const store = useStoreApi();
  // React Flow's own auto-pan follows focus on its node wrapper; ours is the button inside.
  const panIntoView = (event: FocusEvent<HTMLButtonElement>) => {
    if (!event.currentTarget.matches(':focus-visible')) return;
    const { transform, width: viewWidth, height: viewHeight, setCenter } = store.getState();
    const [tx, ty, zoom] = transform;
    const left = x * zoom + tx;
    const top = y * zoom + ty;
    const visible = left >= 0 && top >= 0 && left + width * zoom <= viewWidth && top + height * zoom <= viewHeight;
    if (!visible) void setCenter(x + width / 2, y + height / 2, { zoom });
  };
  return (
    <>
      <Handle type="target" position={Position.Left} isConnectable={false} className={styles.handle} />
      <button
        type="button"
        className={styles.job}
        data-testid="dag-node"
        data-job={data.name}
        data-status={data.status}
        data-critical={data.critical || undefined}
        title={data.name}
        onFocus={panIntoView}
      >
        <span className={styles.jobHead}>
          <span className={styles.icon} aria-hidden="true">
            {STATUS_ICONS[data.status]}
          </span>
          <span className={styles.name}>{data.name}</span>
        </span>
        <span className={styles.meta}>
          <span className="sr-only">{data.status}</span>
          <span className={styles.duration}>
            <Duration data={data} />
          </span>
          {data.attemptCount > 1 && <span className={styles.badge}>attempt {data.attemptCount}</span>}
          {data.allowFailure && <span className={styles.hint}>allowed to fail</span>}
          {data.critical && <span className="sr-only">, on the critical path</span>}
        </span>
      </button>
      <Handle type="source" position={Position.Right} isConnectable={false} className={styles.handle} />
    </>
  );
}

function StageNodeView({ data }: NodeProps<StageNode>) {
  return (
    <div className={styles.stage}>
      <span className={styles.stageName}>{data.stage}</span>
      <span className={styles.stageCount}>
        {data.jobCount} {data.jobCount === 1 ? 'job' : 'jobs'}
      </span>
    </div>
  );
}

/** Stable object (React Flow warns when nodeTypes change between renders). */
export const nodeTypes = { job: memo(JobNodeView), stage: memo(StageNodeView) };
