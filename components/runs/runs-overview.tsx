'use client';
// The runs overview: recent runs across repositories, filtered from the URL,
// paged by cursor, kept current by a live subscription.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname, useRouter, useSearchParams } from 'next/navigation';
import { useRunChanges } from '@/components/live/use-run-changes';
import { useTRPC } from '@/components/trpc/client';
import { formatDuration } from './format';
import { filtersFromParams, paramsFromFilters, RUN_STATUSES, RUN_TRIGGERS, type RunFilters } from './run-filters';
import { StatusBadge } from './status-badge';
import { When } from '@/components/layout/when';
import { RepoFilter } from '@/components/runs/repo-filter';

export function RunsOverview() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const filters = filtersFromParams(new URLSearchParams(params.toString()));
  const runs = useQuery({ ...trpc.runs.list.queryOptions({ ...filters, limit: 25 }), refetchInterval: 30_000 });
  useRunChanges(undefined, [trpc.runs.list.pathKey(), trpc.runs.figures.pathKey()]);

  const go = (next: RunFilters) => router.replace(`${pathname}${paramsFromFilters(next)}`, { scroll: false });
  const set = (key: keyof RunFilters, value: string) =>
    go({ ...filters, cursor: undefined, [key]: value || undefined });
  const filtered = Boolean(filters.repo || filters.branch || filters.status || filters.trigger);

  return (
    <section aria-labelledby="runs-heading">
      <h2 id="runs-heading" className="sr-only">
        Recent runs
      </h2>
      <form className="filters" role="search" aria-label="Filter runs" onSubmit={(e) => e.preventDefault()}>
        <RepoFilter value={filters.repo ?? ''} onChange={(repo) => set('repo', repo)} />
        <label>
          Branch
          <input
            type="search"
            defaultValue={filters.branch ?? ''}
            placeholder="main"
            onKeyDown={(e) => e.key === 'Enter' && set('branch', e.currentTarget.value.trim())}
            onBlur={(e) =>
              e.currentTarget.value.trim() !== (filters.branch ?? '') && set('branch', e.currentTarget.value.trim())
            }
          />
        </label>
        <label>
          Status
          <select value={filters.status ?? ''} onChange={(e) => set('status', e.target.value)}>
            <option value="">Any</option>
            {RUN_STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Trigger
          <select value={filters.trigger ?? ''} onChange={(e) => set('trigger', e.target.value)}>
            <option value="">Any</option>
            {RUN_TRIGGERS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        {filtered && (
          <button type="button" className="button small" onClick={() => go({})}>
            Clear filters
          </button>
        )}
      </form>
      {runs.isPending ? (
        <p className="muted">Loading runs…</p>
      ) : runs.isError ? (
        <p role="alert" className="error">
          Could not load runs: {runs.error.message}
        </p>
      ) : runs.data.runs.length === 0 ? (
        filtered || filters.cursor ? (
          <div className="empty">
            <h2>No runs match</h2>
            <p>Change or clear the filters.</p>
          </div>
        ) : (
          <div className="empty">
            <h2>No runs yet</h2>
            <p>
              Start one with <strong>Run pipeline</strong> above, push to a registered repository, or point its webhook
              at <code>/api/webhooks/github</code>. The demo repository from <code>npm start</code> lives under{' '}
              <code>.data/demo-repo</code>: commit there and watch the run.
            </p>
          </div>
        )
      ) : (
        <RunsTable runs={runs.data.runs} />
      )}
      <nav className="pager" aria-label="Pages">
        {filters.cursor && (
          <button type="button" className="button small" onClick={() => go({ ...filters, cursor: undefined })}>
            ← Newest
          </button>
        )}
        {runs.data?.nextCursor && (
          <button
            type="button"
            className="button small"
            onClick={() => go({ ...filters, cursor: runs.data.nextCursor ?? undefined })}
          >
            Older →
          </button>
        )}
      </nav>
    </section>
  );
}

type RunRow = {
  id: string;
  number: number;
  status: string;
  trigger: string;
  commitSha: string;
  commitMessage: string | null;
  branch: string | null;
  tag: string | null;
  prNumber: number | null;
  actor: string | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  repo: string;
};

function RunsTable({ runs }: { runs: RunRow[] }) {
  const now = new Date();
  return (
    <div className="table-scroll">
      <table className="table runs-table">
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
          {runs.map((run) => (
            <tr key={run.id} data-testid="run-row" data-status={run.status}>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <td>
                <Link href={`/runs/${run.id}`}>
                  {run.repo} #{run.number}
                </Link>
              </td>
              <td>
                {run.branch ?? (run.tag ? `tag ${run.tag}` : '—')}
                {run.prNumber ? ` (PR #${run.prNumber})` : ''}
              </td>
              <td className="commit">
                <code>{run.commitSha.slice(0, 7)}</code> <span>{run.commitMessage?.split('\n')[0]}</span>
              </td>
              <td>
                {run.trigger}
                {run.actor ? <span className="muted"> · {run.actor}</span> : null}
              </td>
              <td>
                {run.startedAt ? formatDuration((run.finishedAt ?? now).getTime() - run.startedAt.getTime()) : '—'}
              </td>
              <td>
                <When at={run.createdAt} now={now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
