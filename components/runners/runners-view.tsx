'use client';
// The runners page: every runner with its current jobs, and every pool's
// queue with the oldest waiting job and why each one waits.
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useRunChanges } from '@/components/live/use-run-changes';
import { formatAge } from '@/components/runs/format';
import { useTRPC } from '@/components/trpc/client';
import { When } from '@/components/layout/when';

export function RunnersView() {
  const trpc = useTRPC();
  const overview = useQuery({ ...trpc.runners.overview.queryOptions(), refetchInterval: 5_000 });
  useRunChanges(undefined, [trpc.runners.overview.queryKey()]);
  if (overview.isPending) return <p className="muted">Loading runners…</p>;
  if (overview.isError)
    return (
      <p role="alert" className="error">
        Could not load runners: {overview.error.message}
      </p>
    );
  const { runners, pools } = overview.data;
  const now = new Date();
  return (
    <>
      {runners.length === 0 ? (
        <div className="empty">
          <h2>No runners yet</h2>
          <p>
            An admin creates a registration token (<code>switchyard token create --runner</code>), then on any host:{' '}
            <code>switchyard runner --url URL --registration-token TOKEN</code>. <code>npm start</code> starts one local
            runner for you.
          </p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <caption>Runners</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Pool</th>
                <th scope="col">Status</th>
                <th scope="col">Running now</th>
                <th scope="col">Last heartbeat</th>
                <th scope="col">Version</th>
              </tr>
            </thead>
            <tbody>
              {runners.map((r) => (
                <tr key={r.id} data-testid="runner-row">
                  <td>
                    {r.name}
                    {r.hostname && <div className="muted small">{r.hostname}</div>}
                  </td>
                  <td>{r.pool}</td>
                  <td>
                    <span className={`status status-${r.online ? 'success' : 'cancelled'}`}>
                      <span aria-hidden="true">{r.online ? '●' : '○'}</span> {r.online ? 'online' : 'offline'}
                    </span>
                  </td>
                  <td>
                    {r.jobs.length === 0 ? (
                      <span className="muted">
                        idle · {r.concurrency} slot{r.concurrency === 1 ? '' : 's'}
                      </span>
                    ) : (
                      <ul className="plain">
                        {r.jobs.map((j) => (
                          <li key={j.id}>
                            <Link href={`/jobs/${j.id}`}>{j.name}</Link>{' '}
                            <span className="muted">
                              run #{j.runNumber}
                              {j.startedAt ? `, ${formatAge(j.startedAt, now)}` : ''}
                            </span>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td>{r.lastSeenAt ? <When at={r.lastSeenAt} now={now} /> : 'never'}</td>
                  <td>{r.version ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <h2 className="section-title">Queues</h2>
      {pools.length === 0 ? (
        <p className="muted">No pools yet: a pool appears when a runner joins it or a job asks for it.</p>
      ) : (
        pools.map((p) => (
          <section key={p.pool} className="card pool" aria-label={`Pool ${p.pool}`} data-testid="pool">
            <h3>
              {p.pool}{' '}
              <span className="muted small">
                {p.online} of {p.runners} runner{p.runners === 1 ? '' : 's'} online · {p.busy} of {p.slots} slots busy
              </span>
            </h3>
            <p>
              <strong data-testid="queue-depth">{p.depth}</strong> waiting
              {p.oldestQueuedAt && <> · oldest queued {formatAge(p.oldestQueuedAt, now)}</>}
            </p>
            {p.waiting.length > 0 && (
              <ul className="waiting">
                {p.waiting.map((w) => (
                  <li key={w.id}>
                    <Link href={`/jobs/${w.id}`}>{w.name}</Link>{' '}
                    <span className="muted">
                      {w.repo} run #{w.runNumber}, queued {formatAge(w.queuedAt, now)}
                    </span>{' '}
                    — <span className={`wait wait-${w.reason.kind}`}>{w.reason.text}</span>
                  </li>
                ))}
              </ul>
            )}
          </section>
        ))
      )}
    </>
  );
}
