'use client';
// The "Repository" filter of a list: every registered repository, or all.
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc/client';

export function RepoFilter({ value, onChange }: { value: string; onChange: (repo: string) => void }) {
  const trpc = useTRPC();
  const repos = useQuery(trpc.repos.list.queryOptions());
  return (
    <label>
      Repository
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">All</option>
        {repos.data?.map((r) => (
          <option key={r.id} value={r.name}>
            {r.name}
          </option>
        ))}
      </select>
    </label>
  );
}
