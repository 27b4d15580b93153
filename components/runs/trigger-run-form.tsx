'use client';
// "Run pipeline": a manual run of a repository's branch, tag or commit (developers).
import { useMutation, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useTRPC } from '@/components/trpc/client';

export function TriggerRunForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const repos = useQuery(trpc.repos.list.queryOptions());
  const [open, setOpen] = useState(false);
  const [repo, setRepo] = useState('');
  const [ref, setRef] = useState('');
  const trigger = useMutation(
    trpc.runs.trigger.mutationOptions({
      onSuccess: (run) => router.push(`/runs/${run.id}`),
    }),
  );
  if (!open) {
    return (
      <button type="button" className="button primary" onClick={() => setOpen(true)}>
        Run pipeline
      </button>
    );
  }
  const chosen = repo || repos.data?.[0]?.name || '';
  return (
    <form
      className="trigger-form"
      aria-label="Run pipeline"
      onSubmit={(e) => {
        e.preventDefault();
        trigger.mutate({ repo: chosen, ref: ref.trim() || undefined });
      }}
    >
      <label>
        Repository
        <select value={chosen} onChange={(e) => setRepo(e.target.value)} required>
          {repos.data?.map((r) => (
            <option key={r.id} value={r.name}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Branch or tag
        <input value={ref} onChange={(e) => setRef(e.target.value)} placeholder="default branch" />
      </label>
      <button type="submit" className="button primary" disabled={trigger.isPending || !chosen}>
        {trigger.isPending ? 'Starting…' : 'Run'}
      </button>
      <button type="button" className="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {trigger.isError && (
        <p role="alert" className="error">
          {trigger.error.message}
        </p>
      )}
    </form>
  );
}
