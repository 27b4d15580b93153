// Roles are ordered: each includes what the ones below it may do.
import type { UserRole } from '../../db/generated/enums';

export const ROLES = ['viewer', 'developer', 'deployer', 'admin'] as const satisfies readonly UserRole[];

/** What each role adds, for the UI and docs. */
export const ROLE_DESCRIPTIONS: Record<UserRole, string> = {
  viewer: 'sees pipelines, runs, logs and deployments',
  developer: 'also triggers, cancels and retries runs',
  deployer: 'also approves and rolls back deployments',
  admin: 'also manages repositories, runners, users and tokens',
};

export function hasRole(actual: UserRole, required: UserRole): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}
