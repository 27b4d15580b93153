// The rollout under way: the new version's share of traffic, the steps it
// walks, and each health window so far against the limits that would roll it back.
import { plannedSlots } from './chart-scale';
import { formatMs, formatRate, planLabel, shortVersion } from './format';
import { HealthChart } from './health-chart';
import { When } from '@/components/layout/when';
import { Commit, RunLink } from './labels';
import styles from './deployments.module.css';
import type { DeploymentView } from './types';

export function RolloutPanel({ d, now }: { d: DeploymentView; now: Date }) {
  // With nothing serving before, every strategy goes straight to 100 % (strategy-plan).
  const steps = d.previousDeploymentId ? d.steps : [100];
  const planned = plannedSlots(
    d.healthChecks.map((c) => c.step),
    steps,
    d.trafficPercent,
  );
  const limits = d.health && [
    `error rate ≤ ${formatRate(d.health.maxErrorRate)}`,
    d.health.maxP99Ms !== null && `p99 ≤ ${formatMs(d.health.maxP99Ms)}`,
    `${d.health.windowSeconds} s windows`,
  ];
  return (
    <div
      className={`${styles.block} ${styles.rollout}`}
      data-testid="rollout"
      data-id={d.id}
      data-run-id={d.runId ?? ''}
    >
      <h3 className={styles.rolloutTitle}>
        {d.rollbackOfId ? 'Rolling back' : 'Rolling out'} <code>{shortVersion(d.version)}</code>
      </h3>
      <p className={styles.rowMeta}>
        <Commit d={d} /> · {planLabel(d)}
        {d.runId && (
          <>
            {' '}
            · <RunLink d={d} />
          </>
        )}{' '}
        · by {d.triggeredBy ?? 'unknown'} · started {d.startedAt ? <When at={d.startedAt} now={now} /> : 'now'}
      </p>
      <div className={styles.traffic}>
        <div
          className={styles.trafficBar}
          role="progressbar"
          aria-label="Traffic on the new version"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={d.trafficPercent}
        >
          <span style={{ width: `${d.trafficPercent}%` }} />
        </div>
        <span data-testid="traffic-percent">{d.trafficPercent} % of traffic</span>
      </div>
      {d.statusReason && <p className={styles.reason}>{d.statusReason}</p>}
      {d.rollbackOfId ? (
        <p className="muted small">A rollback watches no health window: all traffic moves at once.</p>
      ) : (
        <>
          <HealthChart checks={d.healthChecks} thresholds={d.health} planned={planned} />
          {limits && <p className="muted small">Rolls back by itself past: {limits.filter(Boolean).join(', ')}.</p>}
        </>
      )}
    </div>
  );
}
