import type { Metadata } from 'next';
import { Suspense } from 'react';
import { AppShell } from '@/components/layout/app-shell';
import { OverviewFigures } from '@/components/runs/overview-figures';
import { RunsOverview } from '@/components/runs/runs-overview';
import { TriggerRunForm } from '@/components/runs/trigger-run-form';
import { requireUser } from '@/server/api/server-caller';
import { hasRole } from '@/server/domain/auth/roles';

export const metadata: Metadata = { title: 'Runs · Switchyard' };
export const dynamic = 'force-dynamic';

export default async function DashboardPage() {
  const user = await requireUser();
  return (
    <AppShell user={user} current="/">
      <div className="page-head">
        <h1>Runs</h1>
        {hasRole(user.role, 'developer') && <TriggerRunForm />}
      </div>
      <OverviewFigures />
      <Suspense fallback={<p className="muted">Loading runs…</p>}>
        <RunsOverview />
      </Suspense>
    </AppShell>
  );
}
