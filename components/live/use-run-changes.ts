'use client';
// Keeps what a page shows current without reloading: a server-sent events
// subscription says when a run changed (one run, or any), and the queries
// under `keys` are refetched.
import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useTRPC } from '@/components/trpc/client';

export function useRunChanges(runId: string | undefined, keys: QueryKey[]) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return useSubscription(
    trpc.runs.changes.subscriptionOptions(runId ? { runId } : {}, {
      onData: () => {
        for (const queryKey of keys) void queryClient.invalidateQueries({ queryKey });
      },
    }),
  );
}
