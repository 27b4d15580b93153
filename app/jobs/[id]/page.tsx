import type { Metadata } from 'next';
import { AppShell } from '@/components/layout/app-shell';
import { JobView } from '@/components/job/job-view';
import { requireUser } from '@/server/api/server-caller';
import { hasRole } from '@/server/domain/auth/roles';

export const metadata: Metadata = { title: 'Job · Switchyard' };
export const dynamic = 'force-dynamic';

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  return (
    <AppShell user={user} current="/">
      <JobView id={id} canAct={hasRole(user.role, 'developer')} />
    </AppShell>
  );
}
