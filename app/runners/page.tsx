import type { Metadata } from 'next';
import { AppShell } from '@/components/layout/app-shell';
import { formatAge } from '@/components/runs/format';
import { requireUser, serverCaller } from '@/server/api/server-caller';

export const metadata: Metadata = { title: 'Runners · Switchyard' };
export const dynamic = 'force-dynamic';

export default async function RunnersPage() {
  const user = await requireUser();
  const runners = await (await serverCaller()).runners.list();
  const now = new Date();
  return (
    <AppShell user={user} current="/runners">
      <div className="page-head">
        <h1>Runners</h1>
      </div>
      {runners.length === 0 ? (
        <div className="empty">
          <h2>No runners yet</h2>
          <p>
            An admin creates a registration token (<code>switchyard token create --runner</code>), then on any host:{' '}
            <code>switchyard runner --url URL --registration-token TOKEN</code>.
          </p>
        </div>
      ) : (
        <table className="table">
          <caption className="sr-only">Registered runners</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Pool</th>
              <th scope="col">Status</th>
              <th scope="col">Last seen</th>
              <th scope="col">Version</th>
              <th scope="col">Host</th>
            </tr>
          </thead>
          <tbody>
            {runners.map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                <td>{r.pool}</td>
                <td>
                  <span className={`status status-${r.online ? 'success' : 'cancelled'}`}>
                    {r.online ? 'online' : 'offline'}
                  </span>
                </td>
                <td>{r.lastSeenAt ? formatAge(r.lastSeenAt, now) : 'never'}</td>
                <td>{r.version ?? '—'}</td>
                <td>{r.hostname ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AppShell>
  );
}
