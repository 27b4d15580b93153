'use client';
// Deployments waiting at their gate: for approval, or (approved) for the
// environment's running rollout to finish. Deployers approve or reject here;
// everyone else sees what waits and why.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc/client';
import { planLabel, shortSha } from './format';
import { When } from '@/components/layout/when';
import { Commit, DeploymentStatusBadge, RunLink } from './labels';
import { ReasonDialog } from './reason-dialog';
import styles from './deployments.module.css';
import type { DeploymentView } from './types';

export function ApprovalsPanel({
  waiting,
  canDeploy,
  userEmail,
  now,
}: {
  waiting: DeploymentView[];
  canDeploy: boolean;
  userEmail: string;
  now: Date;
}) {
  return (
    <div className={styles.block}>
      <h3 className={styles.blockTitle}>Waiting ({waiting.length})</h3>
      <ul className={styles.waitingList}>
        {waiting.map((d) => (
          <WaitingDeployment key={d.id} d={d} canDeploy={canDeploy} userEmail={userEmail} now={now} />
        ))}
      </ul>
    </div>
  );
}

function WaitingDeployment({
  d,
  canDeploy,
  userEmail,
  now,
}: {
  d: DeploymentView;
  canDeploy: boolean;
  userEmail: string;
  now: Date;
}) {
  const gate = d.status === 'awaiting_approval';
  // The API refuses the run's own author unless the config allows it; say so instead of offering a button that fails.
  const ownRun = !d.selfApproval && d.run?.actor === userEmail;
  return (
    <li className={styles.waiting} data-testid="waiting-deployment" data-id={d.id} data-run-id={d.runId ?? ''}>
      <div className={styles.rowHead}>
        <DeploymentStatusBadge status={d.status} />
        <Commit d={d} />
      </div>
      <p className={styles.rowMeta}>
        <RunLink d={d} /> · {planLabel(d)} · started by {d.triggeredBy ?? 'unknown'} · asked{' '}
        <When at={d.createdAt} now={now} />
      </p>
      {d.statusReason && <p className={styles.reason}>{d.statusReason}</p>}
      {d.approvals.length > 0 && (
        <ul className={styles.approvals}>
          {d.approvals.map((a) => (
            <li key={a.email}>
              {a.decision} by {a.email}
              {a.comment ? `: ${a.comment}` : ''} · <When at={a.createdAt} now={now} />
            </li>
          ))}
        </ul>
      )}
      {gate && !canDeploy && <p className="muted small">A deployer approves or rejects this deployment.</p>}
      {gate && canDeploy && ownRun && (
        <p className="muted small">You started this run: another deployer approves its deployment.</p>
      )}
      {gate && canDeploy && !ownRun && <Decision d={d} />}
    </li>
  );
}

function Decision({ d }: { d: DeploymentView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [rejecting, setRejecting] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.deployments.overview.queryKey() });
  const approve = useMutation(trpc.deployments.approve.mutationOptions({ onSuccess: refresh }));
  const reject = useMutation(
    trpc.deployments.reject.mutationOptions({
      onSuccess: () => {
        setRejecting(false);
        void refresh();
      },
    }),
  );
  return (
    <div className="actions">
      <button
        type="button"
        className="button primary"
        disabled={approve.isPending}
        onClick={() => approve.mutate({ id: d.id })}
      >
        {approve.isPending ? 'Approving…' : 'Approve'}
      </button>
      <button type="button" className="button danger" onClick={() => setRejecting(true)}>
        Reject
      </button>
      {approve.error && (
        <p role="alert" className="error">
          Could not approve: {approve.error.message}
        </p>
      )}
      <ReasonDialog
        open={rejecting}
        title={`Reject the deployment of ${shortSha(d.commitSha)} to ${d.environment}?`}
        label="Why do you reject it?"
        confirm="Reject deployment"
        pending={reject.isPending}
        error={reject.error && `Could not reject: ${reject.error.message}`}
        onConfirm={(comment) => reject.mutate({ id: d.id, comment })}
        onClose={() => {
          setRejecting(false);
          reject.reset();
        }}
      >
        <p>The deploy job is cancelled with your reason, and its run shows it.</p>
      </ReasonDialog>
    </div>
  );
}
