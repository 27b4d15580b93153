'use client';
// One environment: where it is served, what serves it now, the rollout under
// way, what waits for approval, and its history.
import { ApprovalsPanel } from './approvals-panel';
import { HistoryTimeline } from './history-timeline';
import { RolloutPanel } from './rollout-panel';
import { ServingPanel } from './serving-panel';
import styles from './deployments.module.css';
import type { EnvironmentView } from './types';

export function EnvironmentCard({
  env,
  canDeploy,
  userEmail,
  now,
}: {
  env: EnvironmentView;
  canDeploy: boolean;
  userEmail: string;
  now: Date;
}) {
  return (
    <section
      id={`env-${env.name}`}
      className={styles.environment}
      aria-label={env.name}
      data-testid="environment"
      data-environment={env.name}
    >
      <header className={styles.envHead}>
        <h2>{env.name}</h2>
        {env.url && (
          <a href={env.url} target="_blank" rel="noreferrer" className={styles.url}>
            {env.url}
          </a>
        )}
        {env.orchestrator && <span className="muted small">{env.orchestrator} orchestrator</span>}
      </header>
      <ServingPanel
        serving={env.serving}
        health={env.health}
        changedAt={env.active?.startedAt ?? env.serving?.deployedAt ?? null}
        now={now}
      />
      {env.active && <RolloutPanel d={env.active} now={now} />}
      {env.waiting.length > 0 && (
        <ApprovalsPanel waiting={env.waiting} canDeploy={canDeploy} userEmail={userEmail} now={now} />
      )}
      <HistoryTimeline history={env.history} serving={env.serving} canDeploy={canDeploy} now={now} />
    </section>
  );
}
