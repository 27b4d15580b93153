import type { Metadata } from 'next';
import { AppShell } from '@/components/layout/app-shell';
import { TestHistoryView } from '@/components/tests/test-history-view';
import { requireUser } from '@/server/api/server-caller';
import { hasRole } from '@/server/domain/auth/roles';

export const metadata: Metadata = { title: 'Test · Switchyard' };
export const dynamic = 'force-dynamic';

export default async function TestPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  return (
    <AppShell user={user} current="/tests">
      <TestHistoryView id={id} canAct={hasRole(user.role, 'developer')} />
    </AppShell>
  );
}
