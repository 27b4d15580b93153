// What an environment serves now and how healthy it is: the deployment that
// last became healthy, and the deployer's live figures per running version.
import { checksSummary, formatMs, formatRate, planLabel, shortVersion } from './format';
import { When } from '@/components/layout/when';
import { Commit, RunLink } from './labels';
import styles from './deployments.module.css';
import type { DeploymentView, EnvironmentView } from './types';

export function ServingPanel({
  serving,
  health,
  changedAt,
  now,
}: {
  serving: DeploymentView | null;
  health: EnvironmentView['health'];
  /** When traffic last moved: figures written before it describe the old routing. */
  changedAt: Date | null;
  now: Date;
}) {
  if (!serving) {
    return (
      <div className={styles.block} data-testid="serving">
        <p className="muted">Nothing serves here yet: the first successful deployment will.</p>
      </div>
    );
  }
  const checks = checksSummary(serving.healthChecks);
  return (
    <div
      className={styles.block}
      data-testid="serving"
      data-id={serving.id}
      data-version={serving.version ?? ''}
      data-run-id={serving.runId ?? ''}
      data-rollback-of={serving.rollbackOfId ?? ''}
    >
      <h3 className={styles.blockTitle}>Serving now</h3>
      <p className={styles.servingLine}>
        <span className={styles.version} title={serving.version ?? undefined}>
          {shortVersion(serving.version)}
        </span>
        <span>
          <span className="muted">commit</span> <Commit d={serving} />
        </span>
      </p>
      <p className={styles.rowMeta}>
        {serving.rollbackOfId ? (
          <>
            rolled back by {serving.triggeredBy ?? 'someone'}: {serving.note ?? 'no reason given'}
          </>
        ) : (
          <>deployed by {serving.triggeredBy ?? 'unknown'}</>
        )}{' '}
        · <When at={serving.deployedAt ?? serving.createdAt} now={now} />
        {serving.runId && (
          <>
            {' '}
            · <RunLink d={serving} />
          </>
        )}{' '}
        · {planLabel(serving)}
        {checks && (
          <>
            {' '}
            ·{' '}
            <span className={`${styles.tone} ${styles.toned}`} data-tone={checks.tone} data-testid="serving-checks">
              {checks.text}
            </span>
          </>
        )}
      </p>
      <HealthNow health={health} changedAt={changedAt} now={now} />
    </div>
  );
}

/** The deployer's figures over its recent window, one row per version running. */
function HealthNow({
  health,
  changedAt,
  now,
}: {
  health: EnvironmentView['health'];
  changedAt: Date | null;
  now: Date;
}) {
  if (!health || health.versions.length === 0) return <p className="muted small">No live figures yet.</p>;
  const at = new Date(health.at);
  const behind = changedAt !== null && at < changedAt;
  const stale = now.getTime() - at.getTime() > 60_000;
  // Weights are relative (a rolling update weighs by instance): show each version's share.
  const total = health.versions.reduce((sum, v) => sum + v.weight, 0);
  return (
    <div className="table-scroll">
      <table className={`table ${styles.healthTable}`} data-testid="health-now" data-behind={behind || undefined}>
        <caption>
          Health now{' '}
          <span className="muted small">
            ({behind ? 'updating…' : health.windowSeconds > 0 ? `last ${health.windowSeconds} s` : 'just started'}
            {stale && (
              <>
                , as of <When at={at} now={now} />
              </>
            )}
            )
          </span>
        </caption>
        <thead>
          <tr>
            <th scope="col">Version</th>
            <th scope="col">Traffic</th>
            <th scope="col">Instances</th>
            <th scope="col">Requests</th>
            <th scope="col">Error rate</th>
            <th scope="col">p99</th>
          </tr>
        </thead>
        <tbody>
          {health.versions.map((v) => (
            <tr key={v.version}>
              <td data-label="Version">
                <code title={v.version}>{shortVersion(v.version)}</code>
              </td>
              <td data-label="Traffic">{total > 0 ? Math.round((100 * v.weight) / total) : 0} %</td>
              <td data-label="Instances">{v.instances}</td>
              <td data-label="Requests">{v.requests}</td>
              <td data-label="Error rate">{formatRate(v.errorRate)}</td>
              <td data-label="p99">{formatMs(v.p99Ms)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
