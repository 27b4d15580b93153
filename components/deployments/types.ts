// What the deployments page reads, as the API returns it (dates are Dates: superjson).
import type { inferRouterOutputs } from '@trpc/server';
import type { AppRouter } from '@/server/contracts/app-router';

export type EnvironmentView = inferRouterOutputs<AppRouter>['deployments']['overview'][number];
export type DeploymentView = EnvironmentView['history'][number];
export type DeploymentStatus = DeploymentView['status'];
export type HealthCheckView = DeploymentView['healthChecks'][number];
export type VersionHealthView = NonNullable<EnvironmentView['health']>['versions'][number];
export type HealthThresholds = NonNullable<DeploymentView['health']>;
