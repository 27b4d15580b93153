// A JUnit report a runner uploaded for a running attempt: parsed, then stored
// as one `test_reports` row and one `test_results` row per test (each test
// case upserted by pipeline, job, suite and name), in one transaction. A file
// that cannot be read is stored as a report with its error and no results,
// never half a report. Sending the same report again changes nothing: a test
// counts once per attempt (its worst status kept).
import type { Db } from '../../db/client';
import type { TestReportUpload } from '../../contracts/runner';
import { JUnitParseError, parseJUnitXml, type ParsedTest } from './junit-parse';
import { testLabel } from './quarantine-verdict';

/** The attempt a report belongs to, as attemptForToken loads it. */
export interface ReportingAttempt {
  id: string;
  job: { id: string; runId: string; createdAt: Date; name: string };
}

/** What the runner is told, and prints in the job's log. */
export interface TestReportSummary {
  path: string;
  tests: number;
  failures: number;
  skipped: number;
  /** Why the file could not be read; null when it was. */
  error: string | null;
  /** Failed tests that are quarantined (their failure alone will not fail the job). */
  quarantinedFailures: string[];
}

const isFailure = (t: { status: string }) => t.status === 'failed' || t.status === 'error';

function readReport(upload: TestReportUpload): { tests: ParsedTest[] } | { error: string } {
  if (upload.problem !== undefined) return { error: upload.problem };
  try {
    return { tests: parseJUnitXml(upload.content ?? '') };
  } catch (err) {
    if (err instanceof JUnitParseError) return { error: err.message };
    throw err;
  }
}

export async function recordTestReport(
  db: Db,
  attempt: ReportingAttempt,
  upload: TestReportUpload,
  now: Date,
): Promise<TestReportSummary> {
  const run = await db.pipelineRun.findFirstOrThrow({
    where: { id: attempt.job.runId, createdAt: attempt.job.createdAt },
    select: { pipelineId: true, commitSha: true },
  });
  const read = readReport(upload);
  const tests = 'tests' in read ? read.tests : [];
  const error = 'error' in read ? read.error : null;
  const counts = {
    tests: tests.length,
    failures: tests.filter(isFailure).length,
    skipped: tests.filter((t) => t.status === 'skipped').length,
  };
  const quarantinedFailures = await db.$transaction(async (tx) => {
    await tx.testReport.upsert({
      where: { attemptId_path: { attemptId: attempt.id, path: upload.path } },
      create: {
        jobId: attempt.job.id,
        jobCreatedAt: attempt.job.createdAt,
        attemptId: attempt.id,
        path: upload.path,
        sizeBytes: upload.sizeBytes,
        error,
        ...counts,
        createdAt: now,
      },
      update: { sizeBytes: upload.sizeBytes, error, ...counts },
    });
    if (tests.length === 0) return [];
    const cases = await tx.$queryRaw<{ id: string; suite: string; name: string; quarantined: boolean }[]>`
      INSERT INTO test_cases (pipeline_id, job_name, suite, name, last_seen_at)
      SELECT ${run.pipelineId}::uuid, ${attempt.job.name}, u.suite, u.name, ${now}
      FROM unnest(${tests.map((t) => t.suite)}::text[], ${tests.map((t) => t.name)}::text[]) AS u(suite, name)
      ON CONFLICT (pipeline_id, job_name, suite, name) DO UPDATE SET last_seen_at = EXCLUDED.last_seen_at
      RETURNING id, suite, name, quarantined_at IS NOT NULL AS quarantined`;
    const byKey = new Map(cases.map((c) => [`${c.suite}\u0000${c.name}`, c]));
    const rows = tests.map((t) => ({ test: t, testCase: byKey.get(`${t.suite}\u0000${t.name}`)! }));
    await tx.$executeRaw`
      INSERT INTO test_results
        (test_case_id, job_id, job_created_at, attempt_id, commit_sha, status, duration_ms, message, quarantined, created_at)
      SELECT u.case_id, ${attempt.job.id}::uuid, ${attempt.job.createdAt}, ${attempt.id}::uuid, ${run.commitSha},
             u.status, u.duration_ms, u.message, u.quarantined, ${now}
      FROM unnest(
        ${rows.map((r) => r.testCase.id)}::uuid[],
        ${rows.map((r) => r.test.status)}::test_status[],
        ${rows.map((r) => r.test.durationMs)}::int[],
        ${rows.map((r) => r.test.message)}::text[],
        ${rows.map((r) => r.testCase.quarantined)}::boolean[]
      ) AS u(case_id, status, duration_ms, message, quarantined)
      ON CONFLICT (attempt_id, test_case_id) DO UPDATE SET
        status = CASE WHEN array_position(ARRAY['skipped','passed','failed','error']::test_status[], EXCLUDED.status)
                    > array_position(ARRAY['skipped','passed','failed','error']::test_status[], test_results.status)
                      THEN EXCLUDED.status ELSE test_results.status END,
        message = CASE WHEN array_position(ARRAY['skipped','passed','failed','error']::test_status[], EXCLUDED.status)
                    > array_position(ARRAY['skipped','passed','failed','error']::test_status[], test_results.status)
                       THEN EXCLUDED.message ELSE test_results.message END,
        duration_ms = GREATEST(EXCLUDED.duration_ms, test_results.duration_ms)`;
    return rows.filter((r) => isFailure(r.test) && r.testCase.quarantined).map((r) => testLabel(r.test));
  });
  return { path: upload.path, ...counts, error, quarantinedFailures: quarantinedFailures.sort() };
}
