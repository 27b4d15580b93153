'use client';
// Quarantine a test (asking why) or release it; for developers and above.
// Afterwards every test query refetches: lists, history and job sections.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ReasonDialog } from '@/components/deployments/reason-dialog';
import { useTRPC } from '@/components/trpc/client';
import styles from './tests.module.css';

export function QuarantineButton({ test }: { test: { id: string; name: string; quarantinedAt: Date | null } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [asking, setAsking] = useState(false);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.tests.pathKey() });
  const quarantine = useMutation(
    trpc.tests.quarantine.mutationOptions({
      onSuccess: () => {
        setAsking(false);
        return refresh();
      },
    }),
  );
  const release = useMutation(trpc.tests.release.mutationOptions({ onSuccess: refresh }));

  if (test.quarantinedAt) {
    return (
      <>
        <button
          type="button"
          className="button small"
          disabled={release.isPending}
          onClick={() => release.mutate({ id: test.id })}
          aria-label={`Release ${test.name} from quarantine`}
        >
          {release.isPending ? 'Releasing…' : 'Release'}
        </button>
        {release.error && (
          <p role="alert" className="error small">
            {release.error.message}
          </p>
        )}
      </>
    );
  }
  return (
    <>
      <button
        type="button"
        className="button small"
        onClick={() => setAsking(true)}
        aria-label={`Quarantine ${test.name}`}
      >
        Quarantine
      </button>
      <ReasonDialog
        open={asking}
        title={`Quarantine ${test.name}`}
        label="Why (shown on the test and its jobs)"
        confirm="Quarantine"
        pending={quarantine.isPending}
        error={quarantine.error?.message ?? null}
        onConfirm={(reason) => quarantine.mutate({ id: test.id, reason })}
        onClose={() => {
          setAsking(false);
          quarantine.reset();
        }}
      >
        <p className={`muted small ${styles.dialogNote}`}>
          While it is quarantined, a job whose only failures are quarantined tests passes, and its log says which
          failures were ignored.
        </p>
      </ReasonDialog>
    </>
  );
}
