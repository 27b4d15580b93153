// Small pieces every part of the deployments page uses: a status, a run, a commit.
import Link from 'next/link';
import { DEPLOYMENT_STATUS } from './format';
import styles from './deployments.module.css';
import type { DeploymentStatus, DeploymentView } from './types';

export function DeploymentStatusBadge({ status }: { status: DeploymentStatus }) {
  const s = DEPLOYMENT_STATUS[status];
  return (
    <span className={`${styles.status} ${styles.toned}`} data-tone={s.tone}>
      <span aria-hidden="true">{s.icon}</span> {s.label}
    </span>
  );
}

export function RunLink({ d }: { d: Pick<DeploymentView, 'runId' | 'run'> }) {
  if (!d.runId || !d.run) return null;
  return (
    <Link href={`/runs/${d.runId}`} title={`${d.run.pipeline} on ${d.run.branch ?? 'a commit'}`}>
      run #{d.run.number}
    </Link>
  );
}

/** The commit: short sha, and the first line of its message when there is one. */
export function Commit({ d }: { d: Pick<DeploymentView, 'commitSha' | 'run'> }) {
  const message = d.run?.commitMessage?.split('\n')[0];
  return (
    <span className={styles.commit}>
      <code title={d.commitSha}>{d.commitSha.slice(0, 7)}</code>
      {message && <span className={styles.commitMessage}> {message}</span>}
    </span>
  );
}
