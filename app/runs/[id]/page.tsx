import type { Metadata } from 'next';
import { AppShell } from '@/components/layout/app-shell';
import { RunView } from '@/components/run/run-view';
import { requireUser } from '@/server/api/server-caller';
import { hasRole } from '@/server/domain/auth/roles';

export const metadata: Metadata = { title: 'Run · Switchyard' };
export const dynamic = 'force-dynamic';

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  return (
    <AppShell user={user} current="/">
      <RunView id={id} canAct={hasRole(user.role, 'developer')} />
    </AppShell>
  );
}
