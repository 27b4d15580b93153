'use client';
// The run page: what ran and why, the live DAG, and the audit trail.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useMemo } from 'react';
import type { DagInput } from '@/components/dag/types';
import { RunGraph } from '@/components/dag/run-graph';
import { useRunChanges } from '@/components/live/use-run-changes';
import { formatDuration } from '@/components/runs/format';
import { StatusBadge } from '@/components/runs/status-badge';
import { useTRPC } from '@/components/trpc/client';
import { ConfigIssues, ConfigText, type ConfigIssueView } from './config-view';
import { RunActions, RunManualJob } from './run-actions';

/** Buttons shown for jobs waiting for a person; the rest are reached through the graph. */
const MANUAL_SHOWN = 6;

export function RunView({ id, canAct }: { id: string; canAct: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const run = useQuery({ ...trpc.runs.get.queryOptions({ id }), refetchInterval: 15_000 });
  useRunChanges(id, [trpc.runs.get.queryKey({ id })]);

  const dag = useMemo<DagInput | null>(() => {
    if (!run.data) return null;
    const stages = run.data.stages.map((s) => s.name);
    return {
      stages,
      jobs: run.data.jobs.map((j) => ({
        id: j.id,
        name: j.name,
        stage: j.stage,
        needs: j.needs,
        status: j.status,
        startedAt: j.startedAt,
        finishedAt: j.finishedAt,
        attemptCount: j.attemptCount,
        allowFailure: j.allowFailure,
      })),
    };
  }, [run.data]);

  if (run.isPending) return <p className="muted">Loading the run…</p>;
  if (run.isError)
    return (
      <p role="alert" className="error">
        Could not load this run: {run.error.message}
      </p>
    );
  const r = run.data;
  const issues = (r.configErrors ?? []) as unknown as ConfigIssueView[];
  const manual = r.jobs
    .filter((j) => j.status === 'manual')
    .sort((a, b) => a.name.localeCompare(b.name, undefined, { numeric: true }));
  const hasFailed = r.jobs.some((j) => j.status === 'failed' || j.status === 'cancelled');
  const now = new Date();
  return (
    <>
      <div className="page-head">
        <div>
          <p className="crumbs">
            <Link href={`/?repo=${encodeURIComponent(r.repo)}`}>{r.repo}</Link> / {r.pipeline}
          </p>
          <h1>
            Run #{r.number} <StatusBadge status={r.status} />
          </h1>
        </div>
        {canAct && <RunActions runId={r.id} status={r.status} hasFailed={hasFailed} />}
      </div>
      <dl className="meta">
        <div>
          <dt>{r.tag ? 'Tag' : 'Branch'}</dt>
          <dd>
            {r.tag ?? r.branch ?? '—'}
            {r.prNumber ? ` (PR #${r.prNumber})` : ''}
          </dd>
        </div>
        <div>
          <dt>Commit</dt>
          <dd>
            <code title={r.commitSha}>{r.commitSha.slice(0, 7)}</code> {r.commitMessage?.split('\n')[0]}
          </dd>
        </div>
        <div>
          <dt>Trigger</dt>
          <dd>
            {r.trigger}
            {r.actor ? ` by ${r.actor}` : ''}
          </dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{r.startedAt ? formatDuration((r.finishedAt ?? now).getTime() - r.startedAt.getTime()) : '—'}</dd>
        </div>
        {r.statusReason && (
          <div>
            <dt>Why</dt>
            <dd data-testid="run-status-reason">{r.statusReason}</dd>
          </div>
        )}
        {r.failedAt && (
          <div>
            <dt>Time to detect</dt>
            <dd title="push → the run known to fail">
              {formatDuration(r.failedAt.getTime() - (r.pushedAt ?? r.createdAt).getTime())}
            </dd>
          </div>
        )}
        {r.deployedAt && (
          <div>
            <dt>Time to deploy</dt>
            <dd title="push → production healthy with this run">
              {formatDuration(r.deployedAt.getTime() - (r.pushedAt ?? r.createdAt).getTime())}
            </dd>
          </div>
        )}
      </dl>
      <ConfigIssues issues={issues} />
      {canAct && manual.length > 0 && (
        <div className="card manual-jobs">
          <p>Waiting for a person:</p>
          {manual.slice(0, MANUAL_SHOWN).map((j) => (
            <RunManualJob key={j.id} jobId={j.id} name={j.name} />
          ))}
          {manual.length > MANUAL_SHOWN && (
            <span className="muted">
              and {manual.length - MANUAL_SHOWN} more: open them from the graph or the jobs below
            </span>
          )}
        </div>
      )}
      {dag && dag.jobs.length > 0 && (
        <section className="dag-section" aria-label="Pipeline graph">
          <RunGraph input={dag} onOpenJob={(jobId) => router.push(`/jobs/${jobId}`)} />
        </section>
      )}
      {r.jobs.length > 0 && <JobsTable jobs={r.jobs} now={now} />}
      <details className="card">
        <summary>Config that ran</summary>
        {r.configText ? <ConfigText text={r.configText} path={r.configPath} issues={issues} /> : <p>No config.</p>}
      </details>
      <details className="card">
        <summary>Events ({r.events.length})</summary>
        <div className="table-scroll">
          <table className="table">
            <caption className="sr-only">Run events</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">What</th>
                <th scope="col">Change</th>
                <th scope="col">By</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {r.events.map((e, i) => (
                <tr key={i}>
                  <td>
                    <time dateTime={e.createdAt.toISOString()}>{e.createdAt.toLocaleTimeString()}</time>
                  </td>
                  <td>{e.kind}</td>
                  <td>{e.fromStatus ? `${e.fromStatus} → ${e.toStatus}` : (e.toStatus ?? '')}</td>
                  <td>{e.actor ?? '—'}</td>
                  <td>{e.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </>
  );
}

type JobRow = {
  id: string;
  name: string;
  stage: string;
  status: string;
  startedAt: Date | null;
  finishedAt: Date | null;
  attemptCount: number;
  statusReason: string | null;
};

function JobsTable({ jobs, now }: { jobs: JobRow[]; now: Date }) {
  return (
    <details className="card" open={jobs.length <= 12}>
      <summary>Jobs ({jobs.length})</summary>
      <div className="table-scroll">
        <table className="table">
          <caption className="sr-only">Jobs of this run</caption>
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Job</th>
              <th scope="col">Stage</th>
              <th scope="col">Duration</th>
              <th scope="col">Attempts</th>
              <th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id}>
                <td>
                  <StatusBadge status={j.status} />
                </td>
                <td>
                  <Link href={`/jobs/${j.id}`}>{j.name}</Link>
                </td>
                <td>{j.stage}</td>
                <td>{j.startedAt ? formatDuration((j.finishedAt ?? now).getTime() - j.startedAt.getTime()) : '—'}</td>
                <td>{j.attemptCount}</td>
                <td className="muted">{j.statusReason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
