-- Switchyard's first schema. Hand-written (see docs/operations.md, "Migrations"):
-- names follow Prisma's conventions (<table>_pkey, <table>_<cols>_key|idx|fkey) so
-- that the Prisma CLI, where it can run, sees the same database.
--
-- pipeline_runs and jobs are range-partitioned by month on created_at. Their keys
-- are (id, created_at); tables that point at them carry the parent's created_at.
-- A job's created_at is its run's created_at, so a run and its jobs share a month.

-- Enums --------------------------------------------------------------------

CREATE TYPE "run_status" AS ENUM ('pending', 'running', 'success', 'failed', 'cancelled');
CREATE TYPE "job_status" AS ENUM ('pending', 'queued', 'running', 'success', 'failed', 'skipped', 'cancelled', 'manual');
CREATE TYPE "run_trigger" AS ENUM ('push', 'pr', 'manual', 'schedule');
CREATE TYPE "attempt_reason" AS ENUM ('exit_code', 'lost', 'cancelled', 'timeout', 'runner_error');
CREATE TYPE "deploy_strategy" AS ENUM ('rolling', 'blue_green', 'canary');
CREATE TYPE "deployment_status" AS ENUM ('pending', 'in_progress', 'success', 'rolled_back', 'awaiting_approval', 'rejected', 'failed', 'cancelled');
CREATE TYPE "approval_decision" AS ENUM ('approved', 'rejected');
CREATE TYPE "user_role" AS ENUM ('viewer', 'developer', 'deployer', 'admin');
CREATE TYPE "webhook_outcome" AS ENUM ('received', 'run_created', 'ignored', 'rejected', 'failed');
CREATE TYPE "test_status" AS ENUM ('passed', 'failed', 'skipped', 'error');

-- People and credentials ---------------------------------------------------

CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT,
    "image" TEXT,
    "password_hash" TEXT,
    "role" "user_role" NOT NULL DEFAULT 'viewer',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disabled_at" TIMESTAMPTZ(3),
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

CREATE TABLE "accounts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "type" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "provider_account_id" TEXT NOT NULL,
    "refresh_token" TEXT,
    "access_token" TEXT,
    "expires_at" INTEGER,
    "token_type" TEXT,
    "scope" TEXT,
    "id_token" TEXT,
    "session_state" TEXT,
    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "accounts_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "accounts_provider_provider_account_id_key" ON "accounts"("provider", "provider_account_id");
CREATE INDEX "accounts_user_id_idx" ON "accounts"("user_id");

CREATE TABLE "sessions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "user_agent" TEXT,
    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "sessions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "sessions_user_id_idx" ON "sessions"("user_id");
CREATE INDEX "sessions_expires_at_idx" ON "sessions"("expires_at");

CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");
CREATE INDEX "api_tokens_user_id_created_at_idx" ON "api_tokens"("user_id", "created_at" DESC);

-- Repositories, pipelines, secrets -----------------------------------------

CREATE TABLE "repos" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "clone_url" TEXT NOT NULL,
    "default_branch" TEXT NOT NULL DEFAULT 'main',
    "config_path" TEXT NOT NULL DEFAULT '.ci/pipeline.yml',
    "webhook_secret_enc" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "repos_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "repos_name_key" ON "repos"("name");

CREATE TABLE "secrets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "repo_id" UUID NOT NULL,
    "environment" TEXT,
    "name" TEXT NOT NULL,
    "value_enc" TEXT NOT NULL,
    "branches" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "secrets_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "secrets_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repos"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
-- NULLS NOT DISTINCT: one all-environments secret per name, too.
CREATE UNIQUE INDEX "secrets_repo_id_environment_name_key" ON "secrets"("repo_id", "environment", "name") NULLS NOT DISTINCT;

CREATE TABLE "pipelines" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "repo_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "config_path" TEXT NOT NULL,
    "next_run_number" INTEGER NOT NULL DEFAULT 1,
    "schedule" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "pipelines_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "pipelines_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repos"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "pipelines_repo_id_config_path_key" ON "pipelines"("repo_id", "config_path");

-- Runners ------------------------------------------------------------------

CREATE TABLE "runner_registration_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "description" TEXT,
    "pool" TEXT,
    "token_hash" TEXT NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3),
    "max_uses" INTEGER,
    "use_count" INTEGER NOT NULL DEFAULT 0,
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "runner_registration_tokens_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "runner_registration_tokens_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "runner_registration_tokens_token_hash_key" ON "runner_registration_tokens"("token_hash");

CREATE TABLE "runners" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "pool" TEXT NOT NULL DEFAULT 'default',
    "labels" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "version" TEXT,
    "hostname" TEXT,
    "concurrency" INTEGER NOT NULL DEFAULT 1,
    "token_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_seen_at" TIMESTAMPTZ(3),
    "disabled_at" TIMESTAMPTZ(3),
    "registration_token_id" UUID,
    CONSTRAINT "runners_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "runners_registration_token_id_fkey" FOREIGN KEY ("registration_token_id") REFERENCES "runner_registration_tokens"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "runners_token_hash_key" ON "runners"("token_hash");
CREATE INDEX "runners_pool_last_seen_at_idx" ON "runners"("pool", "last_seen_at" DESC);

-- Runs, stages, jobs, attempts ---------------------------------------------

CREATE TABLE "pipeline_runs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "pipeline_id" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "status" "run_status" NOT NULL DEFAULT 'pending',
    "trigger" "run_trigger" NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 0,
    "commit_sha" TEXT NOT NULL,
    "commit_message" TEXT,
    "branch" TEXT,
    "tag" TEXT,
    "pr_number" INTEGER,
    "actor" TEXT,
    "actor_user_id" UUID,
    "webhook_delivery_id" TEXT,
    "pushed_at" TIMESTAMPTZ(3),
    "config_text" TEXT,
    "config" JSONB,
    "config_errors" JSONB NOT NULL DEFAULT '[]',
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "failed_at" TIMESTAMPTZ(3),
    "deployed_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "pipeline_runs_pkey" PRIMARY KEY ("id", "created_at"),
    CONSTRAINT "pipeline_runs_pipeline_id_fkey" FOREIGN KEY ("pipeline_id") REFERENCES "pipelines"("id") ON DELETE CASCADE ON UPDATE CASCADE
) PARTITION BY RANGE ("created_at");
CREATE INDEX "pipeline_runs_created_at_idx" ON "pipeline_runs"("created_at" DESC);
CREATE INDEX "pipeline_runs_pipeline_id_created_at_idx" ON "pipeline_runs"("pipeline_id", "created_at" DESC);
CREATE INDEX "pipeline_runs_pipeline_id_number_idx" ON "pipeline_runs"("pipeline_id", "number");
CREATE INDEX "pipeline_runs_status_created_at_idx" ON "pipeline_runs"("status", "created_at" DESC);
CREATE INDEX "pipeline_runs_branch_created_at_idx" ON "pipeline_runs"("branch", "created_at" DESC);
CREATE INDEX "pipeline_runs_trigger_created_at_idx" ON "pipeline_runs"("trigger", "created_at" DESC);

CREATE TABLE "stages" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "run_id" UUID NOT NULL,
    "run_created_at" TIMESTAMPTZ(3) NOT NULL,
    "name" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "status" "job_status" NOT NULL DEFAULT 'pending',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "stages_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "stages_run_id_run_created_at_fkey" FOREIGN KEY ("run_id", "run_created_at") REFERENCES "pipeline_runs"("id", "created_at") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "stages_run_id_name_key" ON "stages"("run_id", "name");
CREATE INDEX "stages_run_id_position_idx" ON "stages"("run_id", "position");

CREATE TABLE "jobs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "run_id" UUID NOT NULL,
    "stage_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "job_status" NOT NULL DEFAULT 'pending',
    "pool" TEXT NOT NULL DEFAULT 'default',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "needs" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],
    "spec" JSONB NOT NULL,
    "allow_failure" BOOLEAN NOT NULL DEFAULT false,
    "attempt_count" INTEGER NOT NULL DEFAULT 0,
    "lost_count" INTEGER NOT NULL DEFAULT 0,
    "exit_code" INTEGER,
    "status_reason" TEXT,
    "dead_lettered" BOOLEAN NOT NULL DEFAULT false,
    "runner_id" UUID,
    "log_url" TEXT,
    "queued_at" TIMESTAMPTZ(3),
    "not_before" TIMESTAMPTZ(3),
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id", "created_at"),
    CONSTRAINT "jobs_run_id_created_at_fkey" FOREIGN KEY ("run_id", "created_at") REFERENCES "pipeline_runs"("id", "created_at") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "jobs_stage_id_fkey" FOREIGN KEY ("stage_id") REFERENCES "stages"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "jobs_runner_id_fkey" FOREIGN KEY ("runner_id") REFERENCES "runners"("id") ON DELETE SET NULL ON UPDATE CASCADE
) PARTITION BY RANGE ("created_at");
CREATE UNIQUE INDEX "jobs_run_id_name_created_at_key" ON "jobs"("run_id", "name", "created_at");
CREATE INDEX "jobs_stage_id_idx" ON "jobs"("stage_id");
CREATE INDEX "jobs_pool_status_priority_queued_at_idx" ON "jobs"("pool", "status", "priority" DESC, "queued_at");
CREATE INDEX "jobs_runner_id_status_idx" ON "jobs"("runner_id", "status");

CREATE TABLE "job_attempts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "job_id" UUID NOT NULL,
    "job_created_at" TIMESTAMPTZ(3) NOT NULL,
    "number" INTEGER NOT NULL,
    "runner_id" UUID,
    "token_hash" TEXT NOT NULL,
    "token_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "exit_code" INTEGER,
    "reason" "attempt_reason",
    "message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "last_heartbeat_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "job_attempts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "job_attempts_job_id_job_created_at_fkey" FOREIGN KEY ("job_id", "job_created_at") REFERENCES "jobs"("id", "created_at") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "job_attempts_runner_id_fkey" FOREIGN KEY ("runner_id") REFERENCES "runners"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "job_attempts_token_hash_key" ON "job_attempts"("token_hash");
CREATE UNIQUE INDEX "job_attempts_job_id_number_key" ON "job_attempts"("job_id", "number");
CREATE INDEX "job_attempts_runner_id_idx" ON "job_attempts"("runner_id");
-- The watchdog's scan: attempts still running, oldest heartbeat first.
CREATE INDEX "job_attempts_running_heartbeat_idx" ON "job_attempts"("last_heartbeat_at") WHERE "finished_at" IS NULL;

CREATE TABLE "artifacts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "job_id" UUID NOT NULL,
    "job_created_at" TIMESTAMPTZ(3) NOT NULL,
    "run_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "storage_key" TEXT NOT NULL,
    "size_bytes" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "artifacts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "artifacts_job_id_job_created_at_fkey" FOREIGN KEY ("job_id", "job_created_at") REFERENCES "jobs"("id", "created_at") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "artifacts_job_id_name_key" ON "artifacts"("job_id", "name");
CREATE INDEX "artifacts_run_id_name_idx" ON "artifacts"("run_id", "name");
CREATE INDEX "artifacts_expires_at_idx" ON "artifacts"("expires_at");

-- Webhooks -----------------------------------------------------------------

CREATE TABLE "webhook_deliveries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "delivery_id" TEXT NOT NULL,
    "event" TEXT NOT NULL,
    "repo_id" UUID,
    "outcome" "webhook_outcome" NOT NULL DEFAULT 'received',
    "http_status" INTEGER NOT NULL,
    "message" TEXT,
    "payload_sha256" TEXT,
    "payload_bytes" INTEGER NOT NULL,
    "run_id" UUID,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processed_at" TIMESTAMPTZ(3),
    CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "webhook_deliveries_repo_id_fkey" FOREIGN KEY ("repo_id") REFERENCES "repos"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "webhook_deliveries_delivery_id_key" ON "webhook_deliveries"("delivery_id");
CREATE INDEX "webhook_deliveries_repo_id_received_at_idx" ON "webhook_deliveries"("repo_id", "received_at" DESC);
CREATE INDEX "webhook_deliveries_received_at_idx" ON "webhook_deliveries"("received_at" DESC);

-- Deployments --------------------------------------------------------------

CREATE TABLE "deployments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "environment" TEXT NOT NULL,
    "strategy" "deploy_strategy" NOT NULL,
    "status" "deployment_status" NOT NULL DEFAULT 'pending',
    "run_id" UUID,
    "run_created_at" TIMESTAMPTZ(3),
    "job_id" UUID,
    "job_created_at" TIMESTAMPTZ(3),
    "artifact_id" UUID,
    "commit_sha" TEXT NOT NULL,
    "previous_deployment_id" UUID,
    "rollback_of_id" UUID,
    "config" JSONB NOT NULL DEFAULT '{}',
    "approvals_required" INTEGER NOT NULL DEFAULT 0,
    "triggered_by" TEXT,
    "status_reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "deployed_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "deployments_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "deployments_run_id_run_created_at_fkey" FOREIGN KEY ("run_id", "run_created_at") REFERENCES "pipeline_runs"("id", "created_at") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "deployments_job_id_job_created_at_fkey" FOREIGN KEY ("job_id", "job_created_at") REFERENCES "jobs"("id", "created_at") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "deployments_artifact_id_fkey" FOREIGN KEY ("artifact_id") REFERENCES "artifacts"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "deployments_previous_deployment_id_fkey" FOREIGN KEY ("previous_deployment_id") REFERENCES "deployments"("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "deployments_rollback_of_id_fkey" FOREIGN KEY ("rollback_of_id") REFERENCES "deployments"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE INDEX "deployments_environment_created_at_idx" ON "deployments"("environment", "created_at" DESC);
CREATE INDEX "deployments_status_idx" ON "deployments"("status");
CREATE INDEX "deployments_run_id_idx" ON "deployments"("run_id");

CREATE TABLE "approvals" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "deployment_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "decision" "approval_decision" NOT NULL,
    "comment" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "approvals_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "approvals_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "approvals_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "approvals_deployment_id_user_id_key" ON "approvals"("deployment_id", "user_id");

CREATE TABLE "deployment_health_checks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "deployment_id" UUID NOT NULL,
    "step" INTEGER NOT NULL,
    "requests" INTEGER NOT NULL,
    "error_rate" DOUBLE PRECISION NOT NULL,
    "p99_ms" DOUBLE PRECISION,
    "verdict" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "deployment_health_checks_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "deployment_health_checks_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "deployment_health_checks_deployment_id_created_at_idx" ON "deployment_health_checks"("deployment_id", "created_at");

-- The audit trail (after deployments, which it points at) ---------------------

CREATE TABLE "run_events" (
    "id" BIGSERIAL NOT NULL,
    "run_id" UUID NOT NULL,
    "run_created_at" TIMESTAMPTZ(3) NOT NULL,
    "job_id" UUID,
    "job_created_at" TIMESTAMPTZ(3),
    "deployment_id" UUID,
    "kind" TEXT NOT NULL,
    "from_status" TEXT,
    "to_status" TEXT,
    "actor" TEXT NOT NULL,
    "actor_user_id" UUID,
    "reason" TEXT,
    "data" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "run_events_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "run_events_run_id_run_created_at_fkey" FOREIGN KEY ("run_id", "run_created_at") REFERENCES "pipeline_runs"("id", "created_at") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "run_events_job_id_job_created_at_fkey" FOREIGN KEY ("job_id", "job_created_at") REFERENCES "jobs"("id", "created_at") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "run_events_deployment_id_fkey" FOREIGN KEY ("deployment_id") REFERENCES "deployments"("id") ON DELETE SET NULL ON UPDATE CASCADE
);
CREATE INDEX "run_events_run_id_id_idx" ON "run_events"("run_id", "id");
CREATE INDEX "run_events_job_id_idx" ON "run_events"("job_id");
CREATE INDEX "run_events_deployment_id_idx" ON "run_events"("deployment_id");

-- Tests and flakiness ------------------------------------------------------

CREATE TABLE "test_cases" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "pipeline_id" UUID NOT NULL,
    "job_name" TEXT NOT NULL,
    "suite" TEXT NOT NULL DEFAULT '',
    "name" TEXT NOT NULL,
    "runs" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "flaky_count" INTEGER NOT NULL DEFAULT 0,
    "flake_rate" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "time_lost_ms" BIGINT NOT NULL DEFAULT 0,
    "last_seen_at" TIMESTAMPTZ(3),
    "last_flaky_at" TIMESTAMPTZ(3),
    "quarantined_at" TIMESTAMPTZ(3),
    "quarantined_by" TEXT,
    "quarantine_reason" TEXT,
    CONSTRAINT "test_cases_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "test_cases_pipeline_id_fkey" FOREIGN KEY ("pipeline_id") REFERENCES "pipelines"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "test_cases_pipeline_id_job_name_suite_name_key" ON "test_cases"("pipeline_id", "job_name", "suite", "name");
CREATE INDEX "test_cases_flake_rate_idx" ON "test_cases"("flake_rate" DESC);

CREATE TABLE "test_results" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "test_case_id" UUID NOT NULL,
    "job_id" UUID NOT NULL,
    "job_created_at" TIMESTAMPTZ(3) NOT NULL,
    "attempt_id" UUID NOT NULL,
    "commit_sha" TEXT NOT NULL,
    "status" "test_status" NOT NULL,
    "duration_ms" INTEGER,
    "message" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "test_results_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "test_results_test_case_id_fkey" FOREIGN KEY ("test_case_id") REFERENCES "test_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "test_results_job_id_job_created_at_fkey" FOREIGN KEY ("job_id", "job_created_at") REFERENCES "jobs"("id", "created_at") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "test_results_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "job_attempts"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "test_results_test_case_id_created_at_idx" ON "test_results"("test_case_id", "created_at" DESC);
CREATE INDEX "test_results_job_id_idx" ON "test_results"("job_id");
CREATE INDEX "test_results_attempt_id_idx" ON "test_results"("attempt_id");
CREATE INDEX "test_results_commit_sha_idx" ON "test_results"("commit_sha");

-- Partition maintenance ----------------------------------------------------

-- Creates the monthly partitions (UTC months) of pipeline_runs and jobs for `months` months
-- from the month holding `from_month`, skipping those that exist. Returns how
-- many it created. Idempotent, so the scheduler and `npm run db:migrate` may
-- both call it; the advisory lock keeps two callers from racing on one name.
CREATE FUNCTION "switchyard_create_partitions"("from_month" DATE, "months" INTEGER)
RETURNS INTEGER LANGUAGE plpgsql AS $$
DECLARE
    month_start DATE;
    parent TEXT;
    part TEXT;
    created INTEGER := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(72707370);
    FOR i IN 0 .. months - 1 LOOP
        month_start := (date_trunc('month', from_month) + make_interval(months => i))::DATE;
        FOREACH parent IN ARRAY ARRAY['pipeline_runs', 'jobs'] LOOP
            part := format('%s_%s', parent, to_char(month_start, 'YYYY_MM'));
            IF to_regclass(format('public.%I', part)) IS NULL THEN
                EXECUTE format(
                    'CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                    part, parent,
                    month_start::TIMESTAMP AT TIME ZONE 'UTC',
                    (month_start + INTERVAL '1 month')::TIMESTAMP AT TIME ZONE 'UTC');
                created := created + 1;
            END IF;
        END LOOP;
    END LOOP;
    RETURN created;
END;
$$;

-- Keeps partitions ready from the current month to `months_ahead` months ahead.
CREATE FUNCTION "switchyard_ensure_partitions"("months_ahead" INTEGER DEFAULT 2)
RETURNS INTEGER LANGUAGE sql AS $$
    SELECT "switchyard_create_partitions"((now() AT TIME ZONE 'UTC')::DATE, months_ahead + 1);
$$;

SELECT "switchyard_ensure_partitions"(2);
