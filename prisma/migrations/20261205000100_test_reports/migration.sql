-- Test reports. Each JUnit file a runner uploads for an attempt is one row:
-- its counts once parsed, or why it could not be read (a report that failed to
-- parse keeps the attempt from passing on quarantined failures alone). A test
-- result remembers whether its test was quarantined when it was recorded, and
-- a test counts once per attempt (a report sent again changes nothing).
CREATE TABLE "test_reports" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "job_id" UUID NOT NULL,
    "job_created_at" TIMESTAMPTZ(3) NOT NULL,
    "attempt_id" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "size_bytes" INTEGER NOT NULL,
    "tests" INTEGER NOT NULL DEFAULT 0,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "skipped" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "test_reports_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "test_reports_job_id_job_created_at_fkey" FOREIGN KEY ("job_id", "job_created_at") REFERENCES "jobs"("id", "created_at") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "test_reports_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "job_attempts"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "test_reports_attempt_id_path_key" ON "test_reports"("attempt_id", "path");
CREATE INDEX "test_reports_job_id_idx" ON "test_reports"("job_id");

ALTER TABLE "test_results" ADD COLUMN "quarantined" BOOLEAN NOT NULL DEFAULT false;
CREATE UNIQUE INDEX "test_results_attempt_id_test_case_id_key" ON "test_results"("attempt_id", "test_case_id");

-- Who released a test from quarantine and when: automatic quarantine leaves a
-- test alone for the flake window after a person released it.
ALTER TABLE "test_cases"
  ADD COLUMN "released_at" TIMESTAMPTZ(3),
  ADD COLUMN "released_by" TEXT;
