// Deployment statuses: which are terminal and which transitions are allowed.
//
//   awaiting_approval ─approved─▶ pending ─lock free─▶ in_progress ─▶ success
//          │                        │                     ├──────────▶ rolled_back (health broke)
//          ▼                        ▼                     ├──────────▶ failed (could not roll out)
//       rejected                cancelled ◀───────────────┘ (run cancelled: rolled back first)
import type { DeploymentStatus } from '../../db/generated/enums';

export const TERMINAL_DEPLOYMENT_STATUSES: readonly DeploymentStatus[] = [
  'success',
  'rolled_back',
  'rejected',
  'failed',
  'cancelled',
];

export const DEPLOYMENT_TRANSITIONS: Record<DeploymentStatus, readonly DeploymentStatus[]> = {
  awaiting_approval: ['pending', 'rejected', 'cancelled'],
  pending: ['in_progress', 'cancelled', 'failed'],
  in_progress: ['success', 'rolled_back', 'failed', 'cancelled'],
  success: [],
  rolled_back: [],
  rejected: [],
  failed: [],
  cancelled: [],
};

export function deploymentSourcesOf(to: DeploymentStatus): DeploymentStatus[] {
  return (Object.keys(DEPLOYMENT_TRANSITIONS) as DeploymentStatus[]).filter((from) =>
    DEPLOYMENT_TRANSITIONS[from].includes(to),
  );
}

export function isTerminalDeployment(status: DeploymentStatus): boolean {
  return TERMINAL_DEPLOYMENT_STATUSES.includes(status);
}
