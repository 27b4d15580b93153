import type { Metadata } from 'next';
import { AppShell } from '@/components/layout/app-shell';
import { RunsTable } from '@/components/runs/runs-table';
import { requireUser, serverCaller } from '@/server/api/server-caller';

export const metadata: Metadata = { title: 'Runs · Switchyard' };
export const dynamic = 'force-dynamic';

export default async function DashboardPage() {
  const user = await requireUser();
  const api = await serverCaller();
  const [repos, runners] = await Promise.all([api.repos.list(), api.runners.list()]);
  const online = runners.filter((r) => r.online).length;
  return (
    <AppShell user={user} current="/">
      <div className="page-head">
        <h1>Runs</h1>
        <dl className="figures">
          <div>
            <dt>Repositories</dt>
            <dd>{repos.length}</dd>
          </div>
          <div>
            <dt>Runners online</dt>
            <dd>
              {online} / {runners.length}
            </dd>
          </div>
        </dl>
      </div>
      <RunsTable />
    </AppShell>
  );
}
