import type { Metadata } from 'next';
import { DeploymentsView } from '@/components/deployments/deployments-view';
import { AppShell } from '@/components/layout/app-shell';
import { requireUser } from '@/server/api/server-caller';
import { hasRole } from '@/server/domain/auth/roles';

export const metadata: Metadata = { title: 'Deployments · Switchyard' };
export const dynamic = 'force-dynamic';

export default async function DeploymentsPage() {
  const user = await requireUser();
  return (
    <AppShell user={user} current="/deployments">
      <div className="page-head">
        <h1>Deployments</h1>
      </div>
      <DeploymentsView canDeploy={hasRole(user.role, 'deployer')} userEmail={user.email} />
    </AppShell>
  );
}
