'use client';
// The overview's header figures, kept current with the runs.
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc/client';
import { formatDuration } from './format';

export function OverviewFigures() {
  const trpc = useTRPC();
  const f = useQuery({ ...trpc.runs.figures.queryOptions(), refetchInterval: 10_000 });
  if (!f.data) return <dl className="figures" aria-busy="true" />;
  const d = f.data;
  const queued = d.queue.reduce((n, q) => n + q.depth, 0);
  return (
    <dl className="figures">
      <div>
        <dt>Queued</dt>
        <dd title={d.queue.map((q) => `${q.pool}: ${q.depth}`).join(', ') || 'nothing waits'}>
          {queued}
          {d.queue.length > 0 && <small> ({d.queue.map((q) => `${q.pool} ${q.depth}`).join(', ')})</small>}
        </dd>
      </div>
      <div>
        <dt>Runners online</dt>
        <dd>
          {d.runnersOnline} / {d.runnersTotal}
        </dd>
      </div>
      <div>
        <dt>
          <abbr title={`Mean time to detect a broken build: push to run known failed, last ${d.windowDays} days`}>
            Time to detect
          </abbr>
        </dt>
        <dd data-testid="mttd">
          {d.meanTimeToDetectMs === null ? '—' : formatDuration(d.meanTimeToDetectMs)}
          <small> {d.brokenBuilds} broken</small>
        </dd>
      </div>
      <div>
        <dt>
          <abbr title={`Mean time to deploy: push to production healthy, last ${d.windowDays} days`}>
            Time to deploy
          </abbr>
        </dt>
        <dd data-testid="mttdeploy">
          {d.meanTimeToDeployMs === null ? '—' : formatDuration(d.meanTimeToDeployMs)}
          <small> {d.deploys} deploys</small>
        </dd>
      </div>
    </dl>
  );
}
