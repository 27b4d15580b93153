-- Queue back-pressure. The scheduler's queue monitor records every decision
-- it takes (scale up, scale down, shed, calm again) with the figures it acted
-- on, so the runners page can show why runners came and went and why
-- scheduled runs were shed. A run shed by the monitor (or cancelled for any
-- other reason a person should read) says why in its status reason.
ALTER TABLE "pipeline_runs" ADD COLUMN "status_reason" TEXT;

CREATE TABLE "queue_decisions" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "pool" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "detail" JSONB NOT NULL DEFAULT '{}',
    "reason" TEXT NOT NULL,
    CONSTRAINT "queue_decisions_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "queue_decisions_at_idx" ON "queue_decisions"("at" DESC);
