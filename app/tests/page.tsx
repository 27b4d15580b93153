import type { Metadata } from 'next';
import { AppShell } from '@/components/layout/app-shell';
import { FlakyTestsView } from '@/components/tests/flaky-tests-view';
import { requireUser } from '@/server/api/server-caller';
import { hasRole } from '@/server/domain/auth/roles';

export const metadata: Metadata = { title: 'Flaky tests · Switchyard' };
export const dynamic = 'force-dynamic';

export default async function FlakyTestsPage() {
  const user = await requireUser();
  return (
    <AppShell user={user} current="/tests">
      <div className="page-head">
        <h1>Flaky tests</h1>
      </div>
      <FlakyTestsView canAct={hasRole(user.role, 'developer')} />
    </AppShell>
  );
}
