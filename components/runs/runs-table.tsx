'use client';
// The runs overview table; refreshes itself every few seconds.
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc/client';
import { formatAge, formatDuration } from './format';
import { StatusBadge } from './status-badge';

export function RunsTable() {
  const trpc = useTRPC();
  const runs = useQuery({ ...trpc.runs.list.queryOptions({ limit: 25 }), refetchInterval: 3_000 });
  if (runs.isPending) return <p className="muted">Loading runs…</p>;
  if (runs.isError)
    return (
      <p role="alert" className="error">
        Could not load runs: {runs.error.message}
      </p>
    );
  if (runs.data.runs.length === 0) {
    return (
      <div className="empty">
        <h2>No runs yet</h2>
        <p>
          Push to a registered repository, or point its webhook at <code>/api/webhooks/github</code>. The demo
          repository from <code>npm start</code> lives under <code>.data/demo-repo</code>.
        </p>
      </div>
    );
  }
  const now = new Date();
  return (
    <table className="table">
      <caption className="sr-only">Recent runs</caption>
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Run</th>
          <th scope="col">Branch</th>
          <th scope="col">Commit</th>
          <th scope="col">Trigger</th>
          <th scope="col">Duration</th>
          <th scope="col">Age</th>
        </tr>
      </thead>
      <tbody>
        {runs.data.runs.map((run) => (
          <tr key={run.id}>
            <td>
              <StatusBadge status={run.status} />
            </td>
            <td>
              {run.repo} #{run.number}
            </td>
            <td>{run.branch ?? run.tag ?? '—'}</td>
            <td>
              <code>{run.commitSha.slice(0, 8)}</code> {run.commitMessage?.split('\n')[0]}
            </td>
            <td>
              {run.trigger}
              {run.actor ? ` · ${run.actor}` : ''}
            </td>
            <td>{run.startedAt ? formatDuration((run.finishedAt ?? now).getTime() - run.startedAt.getTime()) : '—'}</td>
            <td>{formatAge(run.createdAt, now)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
