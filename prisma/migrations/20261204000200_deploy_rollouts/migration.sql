-- Rollouts. A deployment runs under a lease its scheduler renews, so another
-- scheduler can tell a rollout whose owner died; one environment runs one
-- rollout at a time (the unique index is the per-environment lock); the
-- version label names its instances and figures; each health window keeps its
-- reasons and where its figures came from; and each environment says where it
-- is served and how healthy it is right now.
ALTER TABLE "deployments"
  ADD COLUMN "version" TEXT,
  ADD COLUMN "traffic_percent" INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN "note" TEXT,
  ADD COLUMN "lease_expires_at" TIMESTAMPTZ(3);

CREATE UNIQUE INDEX "deployments_one_rollout_per_environment"
  ON "deployments"("environment") WHERE "status" = 'in_progress';

ALTER TABLE "deployment_health_checks"
  ADD COLUMN "reason" TEXT,
  ADD COLUMN "source" TEXT NOT NULL DEFAULT 'proxy';

CREATE TABLE "deploy_environments" (
    "name" TEXT NOT NULL,
    "orchestrator" TEXT NOT NULL,
    "url" TEXT,
    "health" JSONB,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "deploy_environments_pkey" PRIMARY KEY ("name")
);
