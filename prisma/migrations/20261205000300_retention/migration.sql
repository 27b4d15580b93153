-- Retention (server/retention) drops whole monthly partitions of pipeline_runs
-- and jobs. An artifact a successful deployment shipped outlives its job: it is
-- what a rollback to that deployment redeploys (purgeExpiredArtifacts keeps it
-- for the same reason). Its job reference is emptied instead, so the job
-- columns may be null; the foreign key is MATCH SIMPLE, so a null skips the check.
ALTER TABLE "artifacts"
  ALTER COLUMN "job_id" DROP NOT NULL,
  ALTER COLUMN "job_created_at" DROP NOT NULL;
