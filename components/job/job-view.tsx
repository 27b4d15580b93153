'use client';
// The job page: its attempts, its artifacts, its tests and its log, live while it runs.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState } from 'react';
import { useRunChanges } from '@/components/live/use-run-changes';
import { LogViewer } from '@/components/logs/log-viewer';
import { useJobLog } from '@/components/logs/use-job-log';
import { formatDuration } from '@/components/runs/format';
import { StatusBadge } from '@/components/runs/status-badge';
import { useTRPC } from '@/components/trpc/client';
import { ArtifactsTable } from './artifacts-table';
import { AttemptsTable } from './attempts-table';
import { TestsSection } from './tests-section';

const FINISHED = new Set(['success', 'failed', 'skipped', 'cancelled']);

export function JobView({ id, canAct }: { id: string; canAct: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const job = useQuery({ ...trpc.jobs.get.queryOptions({ id }), refetchInterval: 15_000 });
  const artifacts = useQuery(trpc.jobs.artifacts.queryOptions({ id }));
  useRunChanges(job.data?.runId, [
    trpc.jobs.get.queryKey({ id }),
    trpc.jobs.artifacts.queryKey({ id }),
    trpc.tests.forJob.queryKey({ jobId: id }),
  ]);
  const [chosen, setChosen] = useState<number | null>(null);
  const latest = job.data?.attemptCount ?? 0;
  const attempt = chosen ?? (latest > 0 ? latest : null);
  const attemptRow = job.data?.attempts.find((a) => a.number === attempt);
  const live = Boolean(attemptRow && !attemptRow.finishedAt);
  const log = useJobLog(id, attempt, live);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.jobs.get.queryKey({ id }) });
  const retry = useMutation(trpc.jobs.retry.mutationOptions({ onSuccess: refresh }));
  const start = useMutation(trpc.jobs.run.mutationOptions({ onSuccess: refresh }));

  if (job.isPending) return <p className="muted">Loading the job…</p>;
  if (job.isError)
    return (
      <p role="alert" className="error">
        Could not load this job: {job.error.message}
      </p>
    );
  const j = job.data;
  const now = new Date();
  const error = retry.error ?? start.error;
  const deployTo = (j.spec as { deploy?: { environment?: string } | null } | null)?.deploy?.environment;
  return (
    <>
      <div className="page-head">
        <div>
          <p className="crumbs">
            <Link href={`/?repo=${encodeURIComponent(j.run.pipeline.repo.name)}`}>{j.run.pipeline.repo.name}</Link> /{' '}
            <Link href={`/runs/${j.run.id}`}>run #{j.run.number}</Link> / {j.stage.name}
          </p>
          <h1>
            {j.name} <StatusBadge status={j.status} />
          </h1>
        </div>
        {canAct && (
          <div className="actions">
            {j.status === 'manual' && (
              <button type="button" className="button primary" onClick={() => start.mutate({ id })}>
                ▶ Run job
              </button>
            )}
            {FINISHED.has(j.status) && (
              <button type="button" className="button" disabled={retry.isPending} onClick={() => retry.mutate({ id })}>
                {retry.isPending ? 'Retrying…' : 'Retry job'}
              </button>
            )}
            {error && (
              <p role="alert" className="error">
                {error.message}
              </p>
            )}
          </div>
        )}
      </div>
      <dl className="meta">
        <div>
          <dt>Pool</dt>
          <dd>{j.pool}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd>{j.startedAt ? formatDuration((j.finishedAt ?? now).getTime() - j.startedAt.getTime()) : '—'}</dd>
        </div>
        <div>
          <dt>Exit code</dt>
          <dd>{j.exitCode ?? '—'}</dd>
        </div>
        {deployTo && (
          <div>
            <dt>Deploys to</dt>
            <dd>
              <Link href="/deployments">{deployTo}</Link>
            </dd>
          </div>
        )}
        {j.statusReason && (
          <div>
            <dt>Why</dt>
            <dd>{j.statusReason}</dd>
          </div>
        )}
      </dl>
      {j.attempts.length > 0 && <AttemptsTable attempts={j.attempts} shown={attempt} onShow={setChosen} now={now} />}
      {artifacts.data && artifacts.data.length > 0 && <ArtifactsTable artifacts={artifacts.data} />}
      <TestsSection jobId={id} attempt={attempt} />
      <section className="log-section" aria-label={`Log of attempt ${attempt ?? 0}`}>
        <h2 className="section-title">Log{attempt && latest > 1 ? ` · attempt ${attempt}` : ''}</h2>
        <LogViewer
          lines={log.lines}
          live={live || j.status === 'queued' || j.status === 'pending'}
          loading={log.status === 'connecting' && log.lines.length === 0}
          error={log.error}
          downloadUrl={attempt ? `/api/jobs/${id}/log?attempt=${attempt}` : null}
        />
      </section>
    </>
  );
}
