'use client';
// The deployments page: every environment (staging first, production last),
// refreshed every 1.5 s so a rollout's traffic and health windows move live.
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc/client';
import { EnvironmentCard } from './environment-card';
import styles from './deployments.module.css';

/** Often enough to watch a 5 s health window land. */
const REFRESH_MS = 1_500;

export function DeploymentsView({ canDeploy, userEmail }: { canDeploy: boolean; userEmail: string }) {
  const trpc = useTRPC();
  const overview = useQuery({
    ...trpc.deployments.overview.queryOptions(),
    refetchInterval: REFRESH_MS,
    refetchIntervalInBackground: false,
  });
  if (overview.data === undefined) {
    return overview.error ? (
      <p role="alert" className="error">
        Could not load deployments: {overview.error.message}
      </p>
    ) : (
      <p className="muted">Loading deployments…</p>
    );
  }
  const now = new Date();
  const environments = overview.data;
  const gated = environments.filter((e) => e.waiting.some((d) => d.status === 'awaiting_approval'));
  return (
    <>
      {/* A failed refresh keeps the last figures on screen and says so. */}
      <p className={styles.liveNote}>
        {overview.error ? (
          <span className="error" role="status">
            Could not refresh: {overview.error.message}
          </span>
        ) : (
          <span className="muted small">
            Live · updated {new Date(overview.dataUpdatedAt).toLocaleTimeString()}
            {!canDeploy && ' · approving and rolling back need the deployer role'}
          </span>
        )}
      </p>
      {gated.length > 0 && (
        <p className={styles.attention} data-testid="approvals-summary">
          <span aria-hidden="true">◇</span> Waiting for approval:{' '}
          {gated.map((e, i) => (
            <span key={e.name}>
              {i > 0 && ', '}
              <a href={`#env-${e.name}`}>{e.name}</a>
            </span>
          ))}
        </p>
      )}
      {environments.length === 0 ? (
        <div className="empty">
          <h2>No deployments yet</h2>
          <p>
            A job with a <code>deploy:</code> key (environment, artifact, strategy) deploys when its run reaches it. The
            demo pipeline deploys to staging, then to production after an approval.
          </p>
        </div>
      ) : (
        <div className={styles.environments}>
          {environments.map((env) => (
            <EnvironmentCard key={env.name} env={env} canDeploy={canDeploy} userEmail={userEmail} now={now} />
          ))}
        </div>
      )}
    </>
  );
}
