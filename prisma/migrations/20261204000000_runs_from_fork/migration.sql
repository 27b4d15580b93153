-- A pull request whose branch lives in another repository (a fork): its jobs
-- never receive the repository's secrets.
ALTER TABLE "pipeline_runs" ADD COLUMN "from_fork" BOOLEAN NOT NULL DEFAULT false;
