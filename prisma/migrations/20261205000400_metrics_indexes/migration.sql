-- /api/metrics reads the attempts started and the jobs finished since its last
-- scrape: without these, each scrape scans every attempt and every jobs partition.
CREATE INDEX "job_attempts_started_at_idx" ON "job_attempts"("started_at");
CREATE INDEX "jobs_finished_at_idx" ON "jobs"("finished_at");
