import type { Metadata } from 'next';
import { AppShell } from '@/components/layout/app-shell';
import { requireUser, serverCaller } from '@/server/api/server-caller';

export const metadata: Metadata = { title: 'Repositories · Switchyard' };
export const dynamic = 'force-dynamic';

export default async function ReposPage() {
  const user = await requireUser();
  const repos = await (await serverCaller()).repos.list();
  return (
    <AppShell user={user} current="/repos">
      <div className="page-head">
        <h1>Repositories</h1>
      </div>
      {repos.length === 0 ? (
        <div className="empty">
          <h2>No repositories yet</h2>
          <p>
            An admin registers one with <code>switchyard repo add NAME --url URL</code>.
          </p>
        </div>
      ) : (
        <table className="table">
          <caption className="sr-only">Registered repositories</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Clone URL</th>
              <th scope="col">Default branch</th>
              <th scope="col">Config</th>
            </tr>
          </thead>
          <tbody>
            {repos.map((r) => (
              <tr key={r.id}>
                <td>{r.name}</td>
                <td>
                  <code>{r.cloneUrl}</code>
                </td>
                <td>{r.defaultBranch}</td>
                <td>
                  <code>{r.configPath}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </AppShell>
  );
}
