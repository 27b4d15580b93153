'use client';
// An environment's deployments, newest first: who, when, which commit, how,
// and how it ended and why. Rollbacks say who asked and their reason; every
// earlier successful deployment offers "Roll back to this" to deployers.
import { formatDuration } from '@/components/runs/format';
import { checksSummary, DEPLOYMENT_STATUS, planLabel, shortVersion } from './format';
import { HealthChart } from './health-chart';
import { When } from '@/components/layout/when';
import { Commit, DeploymentStatusBadge, RunLink } from './labels';
import { RollbackButton } from './rollback-button';
import styles from './deployments.module.css';
import type { DeploymentStatus, DeploymentView } from './types';

const OPEN = new Set<DeploymentStatus>(['awaiting_approval', 'pending', 'in_progress']);

export function HistoryTimeline({
  history,
  serving,
  canDeploy,
  now,
}: {
  history: DeploymentView[];
  serving: DeploymentView | null;
  canDeploy: boolean;
  now: Date;
}) {
  // What waits or rolls out now has its own panel above.
  const done = history.filter((d) => !OPEN.has(d.status));
  return (
    <div className={styles.block}>
      <h3 className={styles.blockTitle}>History</h3>
      {done.length === 0 ? (
        <p className="muted">Nothing finished here yet.</p>
      ) : (
        <ol className={styles.timeline}>
          {done.map((d) => (
            <HistoryRow
              key={d.id}
              d={d}
              target={d.rollbackOfId ? (history.find((t) => t.id === d.rollbackOfId) ?? null) : null}
              serving={serving}
              canDeploy={canDeploy}
              now={now}
            />
          ))}
        </ol>
      )}
    </div>
  );
}

function HistoryRow({
  d,
  target,
  serving,
  canDeploy,
  now,
}: {
  d: DeploymentView;
  /** For a rollback: the deployment it went back to, when still in the history. */
  target: DeploymentView | null;
  serving: DeploymentView | null;
  canDeploy: boolean;
  now: Date;
}) {
  const isServing = serving?.id === d.id;
  // Rolling back to what serves now (its instances, or what a rollback restored) changes nothing: no button.
  const canRollBack =
    canDeploy &&
    d.status === 'success' &&
    d.hasArtifact &&
    !isServing &&
    d.version !== serving?.version &&
    d.id !== serving?.rollbackOfId;
  const checks = checksSummary(d.healthChecks);
  return (
    <li
      className={styles.event}
      data-testid="deployment-row"
      data-id={d.id}
      data-status={d.status}
      data-version={d.version ?? ''}
      data-run-id={d.runId ?? ''}
      data-rollback-of={d.rollbackOfId ?? ''}
      data-serving={isServing ? 'true' : undefined}
    >
      <span
        className={`${styles.dot} ${styles.toned}`}
        data-tone={DEPLOYMENT_STATUS[d.status].tone}
        aria-hidden="true"
      />
      <div className={styles.rowHead}>
        <DeploymentStatusBadge status={d.status} />
        {isServing && <span className={styles.servingTag}>serving</span>}
        <strong>
          {d.rollbackOfId ? 'Rollback' : 'Deploy'} {d.version && <code>{shortVersion(d.version)}</code>}
        </strong>
        {d.rollbackOfId && (
          <span className="muted">
            to {target ? <code>{shortVersion(target.version)}</code> : 'an earlier deployment'}
            {target?.run && <>, run #{target.run.number}</>}
          </span>
        )}
        <span className="muted">of</span>
        <Commit d={d} />
      </div>
      <p className={styles.rowMeta}>
        {d.rollbackOfId ? (
          <span className={styles.who}>
            {d.status === 'success' ? 'rolled back' : 'rollback asked'} by {d.triggeredBy ?? 'someone'}:{' '}
            {d.note ?? 'no reason given'}
          </span>
        ) : (
          <span className={styles.who}>by {d.triggeredBy ?? 'unknown'}</span>
        )}{' '}
        · <When at={d.deployedAt ?? d.finishedAt ?? d.createdAt} now={now} />
        {d.startedAt && d.finishedAt && <> · took {formatDuration(d.finishedAt.getTime() - d.startedAt.getTime())}</>}
        {d.runId && (
          <>
            {' '}
            · <RunLink d={d} />
          </>
        )}{' '}
        · {planLabel(d)}
      </p>
      {d.approvals.length > 0 && (
        <p className={styles.rowMeta}>
          {d.approvals.map((a) => `${a.decision} by ${a.email}${a.comment ? ` (${a.comment})` : ''}`).join('; ')}
        </p>
      )}
      {d.statusReason && <p className={styles.reason}>{d.statusReason}</p>}
      {checks && d.status !== 'in_progress' && (
        <details className={styles.checks}>
          <summary className={styles.toned} data-tone={checks.tone}>
            {checks.text}
          </summary>
          <HealthChart checks={d.healthChecks} thresholds={d.health} planned={[]} />
        </details>
      )}
      {canRollBack && <RollbackButton target={d} serving={serving} />}
    </li>
  );
}
