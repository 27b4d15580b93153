// Each try of a job: where it ran, how it ended and why.
import { formatDuration } from '@/components/runs/format';

type Attempt = {
  id: string;
  number: number;
  exitCode: number | null;
  reason: string | null;
  message: string | null;
  startedAt: Date | null;
  finishedAt: Date | null;
  runner: { name: string } | null;
};

export function AttemptsTable({
  attempts,
  shown,
  onShow,
  now,
}: {
  attempts: Attempt[];
  shown: number | null;
  onShow: (n: number) => void;
  now: Date;
}) {
  return (
    <div className="table-scroll">
      <table className="table attempts">
        <caption>Attempts</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Runner</th>
            <th scope="col">Result</th>
            <th scope="col">Exit code</th>
            <th scope="col">Duration</th>
            <th scope="col">Log</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((a) => (
            <tr key={a.id} aria-current={a.number === shown ? 'true' : undefined}>
              <td>{a.number}</td>
              <td>{a.runner?.name ?? '—'}</td>
              <td>
                {a.finishedAt ? (a.reason ?? '—') : 'running'}
                {a.message && <div className="muted small">{a.message}</div>}
              </td>
              <td>{a.exitCode ?? '—'}</td>
              <td>{a.startedAt ? formatDuration((a.finishedAt ?? now).getTime() - a.startedAt.getTime()) : '—'}</td>
              <td>
                {a.number === shown ? (
                  'shown'
                ) : (
                  <button type="button" className="button small" onClick={() => onShow(a.number)}>
                    Show
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
