// What an attempt's test reports mean when it completes. Before the job's
// status is decided: whether only quarantined tests failed (then the job's
// log ends with a line naming them, written by the server, and the verdict
// goes to completeAttempt), and the flakiness figures of the tests it ran,
// with automatic quarantine when it is configured.
import type { Db } from '../../db/client';
import type { Logger } from '../../log';
import type { JobConfig } from '../pipeline-config/model';
import { LOG_CHANNEL, type LogStore } from '../../storage/log-store';
import {
  flakeWindowStart,
  flakinessOf,
  shouldAutoQuarantine,
  type AutoQuarantinePolicy,
  type CommitTally,
} from './flakiness';
import { quarantineLogLine, quarantineVerdict, type AttemptEnd, type QuarantineVerdict } from './quarantine-verdict';

export interface AttemptTestServices {
  db: Db;
  logs: LogStore;
  log: Pick<Logger, 'error'>;
  /** Automatic quarantine; unset: off. */
  flaky?: AutoQuarantinePolicy;
}

/**
 * Everything an attempt's tests decide when it completes, in the order the
 * job's status needs it: the quarantine verdict, then the tests' figures
 * (before the job shows as finished, so whoever sees it finished sees them;
 * figures that fail to update are updated with the test's next result).
 * A job without `reports.junit` sent no report: nothing to read.
 */
export async function settleAttemptTests(
  s: AttemptTestServices,
  attempt: { id: string; number: number; jobId: string; job: { spec: unknown } },
  end: AttemptEnd,
  now: Date,
): Promise<QuarantineVerdict> {
  if (((attempt.job.spec as JobConfig).reports?.junit.length ?? 0) === 0) return { ignored: false };
  const verdict = await settleQuarantine(s, attempt, end);
  await refreshFlakiness(s.db, attempt.id, s.flaky, now).catch((err: unknown) =>
    s.log.error({ err, attemptId: attempt.id }, 'could not update flakiness figures'),
  );
  return verdict;
}

/**
 * Reads the attempt's reports and failed tests (with their quarantine state
 * now, which the results then keep) and decides; when the failure is ignored,
 * appends the explanation to the attempt's log before it is compacted.
 */
async function settleQuarantine(
  s: AttemptTestServices,
  attempt: { id: string; number: number; jobId: string },
  end: AttemptEnd,
): Promise<QuarantineVerdict> {
  await s.db.$executeRaw`
    UPDATE test_results r SET quarantined = (c.quarantined_at IS NOT NULL)
    FROM test_cases c
    WHERE r.attempt_id = ${attempt.id}::uuid AND c.id = r.test_case_id
      AND r.quarantined IS DISTINCT FROM (c.quarantined_at IS NOT NULL)`;
  const [reports, failed] = await Promise.all([
    s.db.testReport.findMany({ where: { attemptId: attempt.id }, select: { path: true, error: true } }),
    s.db.testResult.findMany({
      where: { attemptId: attempt.id, status: { in: ['failed', 'error'] } },
      select: { quarantined: true, testCase: { select: { suite: true, name: true } } },
    }),
  ]);
  const verdict = quarantineVerdict(end, {
    reports,
    failed: failed.map((r) => ({ ...r.testCase, quarantined: r.quarantined })),
  });
  if (verdict.ignored) {
    const seq = await s.logs.nextSeq(attempt.jobId, attempt.number);
    await s.logs.write(attempt.jobId, attempt.number, seq, quarantineLogLine(end.exitCode ?? 0, verdict.tests));
    await s.db.$executeRaw`SELECT pg_notify(${LOG_CHANNEL}, ${`${attempt.jobId}:${attempt.number}:${seq}`})`;
  }
  return verdict;
}

interface TallyRow {
  test_case_id: string;
  commit_sha: string;
  runs: number;
  failures: number;
  first_failed_at: Date | null;
  first_passed_at: Date | null;
  last_seen_at: Date;
  failed_attempt_ms: number;
}

/** Per test and commit within the window: what flakinessOf needs (an attempt still running ends `now`). */
async function commitTallies(
  db: Db,
  testCaseIds: string[],
  since: Date,
  now: Date,
): Promise<Map<string, CommitTally[]>> {
  const rows = await db.$queryRaw<TallyRow[]>`
    SELECT r.test_case_id, r.commit_sha,
      count(*) FILTER (WHERE r.status <> 'skipped')::int AS runs,
      count(*) FILTER (WHERE r.status IN ('failed', 'error'))::int AS failures,
      min(r.created_at) FILTER (WHERE r.status IN ('failed', 'error')) AS first_failed_at,
      min(r.created_at) FILTER (WHERE r.status = 'passed') AS first_passed_at,
      max(r.created_at) AS last_seen_at,
      coalesce(sum(extract(epoch FROM coalesce(a.finished_at, ${now}) - a.started_at) * 1000)
        FILTER (WHERE r.status IN ('failed', 'error')), 0)::float8 AS failed_attempt_ms
    FROM test_results r JOIN job_attempts a ON a.id = r.attempt_id
    WHERE r.test_case_id = ANY(${testCaseIds}::uuid[]) AND r.created_at >= ${since}
    GROUP BY r.test_case_id, r.commit_sha`;
  const out = new Map<string, CommitTally[]>();
  for (const r of rows) {
    const list = out.get(r.test_case_id) ?? [];
    list.push({
      commitSha: r.commit_sha,
      runs: r.runs,
      failures: r.failures,
      firstFailedAt: r.first_failed_at,
      firstPassedAt: r.first_passed_at,
      lastSeenAt: r.last_seen_at,
      failedAttemptMs: Math.round(r.failed_attempt_ms),
    });
    out.set(r.test_case_id, list);
  }
  return out;
}

/** Recomputes the figures of the tests an attempt ran; returns the tests it quarantined automatically. */
async function refreshFlakiness(
  db: Db,
  attemptId: string,
  policy: AutoQuarantinePolicy | undefined,
  now: Date,
): Promise<string[]> {
  const cases = await db.testCase.findMany({
    where: { results: { some: { attemptId } } },
    select: { id: true, lastFlakyAt: true, quarantinedAt: true, releasedAt: true },
  });
  if (cases.length === 0) return [];
  const tallies = await commitTallies(
    db,
    cases.map((c) => c.id),
    flakeWindowStart(now),
    now,
  );
  const quarantined: string[] = [];
  for (const c of cases) {
    const f = flakinessOf(tallies.get(c.id) ?? [], c.lastFlakyAt);
    const auto = shouldAutoQuarantine(f, c, policy, now);
    await db.testCase.update({
      where: { id: c.id },
      data: {
        runs: f.runs,
        failures: f.failures,
        flakyCount: f.flakyCount,
        flakeRate: f.flakeRate,
        timeLostMs: BigInt(f.timeLostMs),
        lastSeenAt: f.lastSeenAt,
        lastFlakyAt: f.lastFlakyAt,
        ...(auto && {
          quarantinedAt: now,
          quarantinedBy: 'automatic',
          quarantineReason: `flake rate ${(f.flakeRate * 100).toFixed(1)}% over ${f.runs} runs reached the automatic quarantine threshold of ${((policy?.rate ?? 0) * 100).toFixed(1)}%`,
        }),
      },
    });
    if (auto) quarantined.push(c.id);
  }
  return quarantined;
}
