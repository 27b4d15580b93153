'use client';
// "Roll back to this" on an earlier successful deployment: asks why, then
// sends the environment back to that deployment's artifact (deployers only;
// the API refuses anyone else).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc/client';
import { shortSha, shortVersion } from './format';
import { ReasonDialog } from './reason-dialog';
import type { DeploymentView } from './types';

export function RollbackButton({ target, serving }: { target: DeploymentView; serving: DeploymentView | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const rollback = useMutation(
    trpc.deployments.rollback.mutationOptions({
      onSuccess: () => {
        setOpen(false);
        void queryClient.invalidateQueries({ queryKey: trpc.deployments.overview.queryKey() });
      },
    }),
  );
  const close = () => {
    setOpen(false);
    rollback.reset();
  };
  return (
    <>
      <button type="button" className="button small" onClick={() => setOpen(true)}>
        Roll back to this
      </button>
      <ReasonDialog
        open={open}
        title={`Roll ${target.environment} back to ${shortSha(target.commitSha)}?`}
        label="Reason (kept in the history)"
        confirm="Roll back"
        pending={rollback.isPending}
        error={rollback.error && `Could not roll back: ${rollback.error.message}`}
        onConfirm={(reason) => rollback.mutate({ environment: target.environment, to: target.id, reason })}
        onClose={close}
      >
        <p>
          All of {target.environment}&apos;s traffic moves at once to version{' '}
          <code>{shortVersion(target.version)}</code> (commit <code>{shortSha(target.commitSha)}</code>)
          {serving && (
            <>
              , replacing <code>{shortVersion(serving.version)}</code> (commit{' '}
              <code>{shortSha(serving.commitSha)}</code>)
            </>
          )}
          . No canary steps and no approval: a rollback takes the fast path.
        </p>
      </ReasonDialog>
    </>
  );
}
