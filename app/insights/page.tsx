import type { Metadata } from 'next';
import { InsightsView } from '@/components/insights/insights-view';
import { AppShell } from '@/components/layout/app-shell';
import { requireUser } from '@/server/api/server-caller';

export const metadata: Metadata = { title: 'Insights · Switchyard' };
export const dynamic = 'force-dynamic';

export default async function InsightsPage() {
  const user = await requireUser();
  return (
    <AppShell user={user} current="/insights">
      <div className="page-head">
        <h1>Insights</h1>
      </div>
      <InsightsView />
    </AppShell>
  );
}
