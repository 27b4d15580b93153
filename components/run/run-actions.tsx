'use client';
// What a developer can do to a run: cancel it, retry its failed jobs. Viewers
// see none of it (and the API refuses them anyway).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc/client';

export function RunActions({ runId, status, hasFailed }: { runId: string; status: string; hasFailed: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.runs.get.queryKey({ id: runId }) });
  const cancel = useMutation(trpc.runs.cancel.mutationOptions({ onSuccess: refresh }));
  const retry = useMutation(trpc.runs.retryFailed.mutationOptions({ onSuccess: refresh }));
  const open = status === 'pending' || status === 'running';
  const error = cancel.error ?? retry.error;
  return (
    <div className="actions">
      {open && (
        <button
          type="button"
          className="button danger"
          disabled={cancel.isPending}
          onClick={() => cancel.mutate({ id: runId })}
        >
          {cancel.isPending ? 'Cancelling…' : 'Cancel run'}
        </button>
      )}
      {hasFailed && (
        <button type="button" className="button" disabled={retry.isPending} onClick={() => retry.mutate({ id: runId })}>
          {retry.isPending ? 'Retrying…' : 'Retry failed jobs'}
        </button>
      )}
      {error && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
    </div>
  );
}

export function RunManualJob({ jobId, name }: { jobId: string; name: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const run = useMutation(
    trpc.jobs.run.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() }),
    }),
  );
  return (
    <button
      type="button"
      className="button small"
      disabled={run.isPending}
      onClick={() => run.mutate({ id: jobId })}
      title={run.error?.message}
    >
      ▶ Run {name}
    </button>
  );
}
