import type { Metadata } from 'next';
import { AppShell } from '@/components/layout/app-shell';
import { QueuePressure } from '@/components/runners/queue-pressure';
import { RunnersView } from '@/components/runners/runners-view';
import { requireUser } from '@/server/api/server-caller';

export const metadata: Metadata = { title: 'Runners · Switchyard' };
export const dynamic = 'force-dynamic';

export default async function RunnersPage() {
  const user = await requireUser();
  return (
    <AppShell user={user} current="/runners">
      <div className="page-head">
        <h1>Runners</h1>
      </div>
      <RunnersView />
      <QueuePressure />
    </AppShell>
  );
}
