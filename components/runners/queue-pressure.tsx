'use client';
// The runners page's "Queue pressure" section: depth and oldest wait per pool
// and priority, the thresholds in force, the autoscaled runners, and the
// queue monitor's recent decisions with their reasons.
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '@/components/trpc/client';
import { When } from '@/components/layout/when';

const KIND_LABEL: Record<string, string> = {
  scale_up: 'scale up',
  scale_down: 'scale down',
  shed: 'shed',
  calm: 'calm',
};

function formatWait(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

export function QueuePressure() {
  const trpc = useTRPC();
  const q = useQuery({ ...trpc.queue.pressure.queryOptions(), refetchInterval: 5_000 });
  if (q.isPending) return <p className="muted">Loading queue pressure…</p>;
  if (q.isError)
    return (
      <p role="alert" className="error">
        Could not load queue pressure: {q.error.message}
      </p>
    );
  const { config, queues, autoscaled, decisions } = q.data;
  const now = new Date();
  return (
    <section aria-labelledby="queue-pressure" data-testid="queue-pressure">
      <h2 id="queue-pressure" className="section-title">
        Queue pressure
      </h2>
      <p className="muted small">
        {config.maxRunners > 0
          ? `Runners are added at depth ${config.scaleUpDepth} (up to ${config.maxRunners} autoscaled in pool ${config.autoscalePool}, stopped after ${config.idleSeconds} s idle)`
          : 'The autoscaler is off (AUTOSCALE_MAX_RUNNERS is 0)'}
        ; scheduled runs are shed ({config.shedAction}) above depth {config.shedDepth}
        {config.shedWaitSeconds > 0 && ` or past ${formatWait(config.shedWaitSeconds)} of waiting`}.
      </p>
      {queues.length === 0 ? (
        <p className="muted">Nothing is waiting.</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <caption>Waiting now</caption>
            <thead>
              <tr>
                <th scope="col">Pool</th>
                <th scope="col">Priority</th>
                <th scope="col">Depth</th>
                <th scope="col">Oldest wait</th>
              </tr>
            </thead>
            <tbody>
              {queues.map((row) => (
                <tr key={`${row.pool}:${row.priority}`} data-testid="pressure-row">
                  <td>{row.pool}</td>
                  <td>{row.priority}</td>
                  <td>{row.depth}</td>
                  <td>{formatWait(row.oldestWaitSeconds)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h3>Autoscaled runners</h3>
      {autoscaled.length === 0 ? (
        <p className="muted">None.</p>
      ) : (
        <ul className="plain" data-testid="autoscaled-runners">
          {autoscaled.map((r) => (
            <li key={r.id}>
              {r.name} <span className="muted">({r.pool})</span>{' '}
              <span className={`status status-${r.online ? 'success' : 'cancelled'}`}>
                {r.online ? 'online' : 'stopped'}
              </span>{' '}
              <span className="muted">{r.running.length > 0 ? `running ${r.running.join(', ')}` : 'idle'}</span>
            </li>
          ))}
        </ul>
      )}
      <h3>Recent decisions</h3>
      {decisions.length === 0 ? (
        <p className="muted">No decision yet: the queue has been calm.</p>
      ) : (
        <ul className="plain" data-testid="queue-decisions">
          {decisions.map((d) => (
            <li key={d.id}>
              <When at={d.at} now={now} /> <strong>{KIND_LABEL[d.kind] ?? d.kind}</strong>{' '}
              <span className="muted">{d.pool}</span> — {d.reason}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
