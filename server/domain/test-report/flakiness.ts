// How flaky a test is, pure. A test is flaky on a commit when, on that same
// commit, it both failed (failed or error) and passed: across retries of a job
// or re-runs of the pipeline. Each such commit counts once, whatever the number
// of tries. The figures cover a recent window (FLAKE_WINDOW_DAYS): runs and
// failures are results in the window (skips are not runs), the flake rate is
// flaky commits / runs, and time lost is the time of the attempts in which the
// test failed on a commit where it also passed (attempts spent only to be
// tried again).
export const FLAKE_WINDOW_DAYS = 30;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The start of the window that ends at `now`. */
export function flakeWindowStart(now: Date): Date {
  return new Date(now.getTime() - FLAKE_WINDOW_DAYS * DAY_MS);
}

/** One test's results on one commit within the window, as the database tallies them. */
export interface CommitTally {
  commitSha: string;
  /** Results that ran: passed, failed or error. */
  runs: number;
  /** Results that failed or errored. */
  failures: number;
  firstFailedAt: Date | null;
  firstPassedAt: Date | null;
  lastSeenAt: Date;
  /** The summed durations of the attempts in which it failed on this commit. */
  failedAttemptMs: number;
}

export interface Flakiness {
  runs: number;
  failures: number;
  flakyCount: number;
  /** flakyCount / runs; 0 without runs. */
  flakeRate: number;
  timeLostMs: number;
  lastSeenAt: Date | null;
  lastFlakyAt: Date | null;
}

/** The moment a commit became flaky: when the second of "failed" and "passed" first happened. */
export function flakyAt(c: CommitTally): Date | null {
  if (!c.firstFailedAt || !c.firstPassedAt) return null;
  return c.firstFailedAt > c.firstPassedAt ? c.firstFailedAt : c.firstPassedAt;
}

const later = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a > b ? a : b);

/**
 * A test's figures from its per-commit tallies in the window. `lastFlakyAt`
 * keeps an earlier flaky moment that has left the window (`previousLastFlakyAt`).
 */
export function flakinessOf(commits: CommitTally[], previousLastFlakyAt: Date | null = null): Flakiness {
  let runs = 0;
  let failures = 0;
  let flakyCount = 0;
  let timeLostMs = 0;
  let lastSeenAt: Date | null = null;
  let lastFlakyAt = previousLastFlakyAt;
  for (const c of commits) {
    runs += c.runs;
    failures += c.failures;
    lastSeenAt = later(lastSeenAt, c.lastSeenAt);
    const at = flakyAt(c);
    if (at) {
      flakyCount += 1;
      timeLostMs += c.failedAttemptMs;
      lastFlakyAt = later(lastFlakyAt, at);
    }
  }
  return {
    runs,
    failures,
    flakyCount,
    flakeRate: runs === 0 ? 0 : flakyCount / runs,
    timeLostMs,
    lastSeenAt,
    lastFlakyAt,
  };
}

/** FLAKY_AUTO_QUARANTINE_RATE and its minimum number of runs; rate undefined: off. */
export interface AutoQuarantinePolicy {
  rate?: number;
  minRuns: number;
}

/**
 * Whether a test is quarantined automatically: the policy is on, the test is
 * not quarantined yet, it ran often enough to judge, its flake rate reached the
 * threshold, and no person released it within the window (their call stands).
 */
export function shouldAutoQuarantine(
  f: Flakiness,
  test: { quarantinedAt: Date | null; releasedAt: Date | null },
  policy: AutoQuarantinePolicy | undefined,
  now: Date,
): boolean {
  if (policy?.rate === undefined || test.quarantinedAt) return false;
  if (test.releasedAt && test.releasedAt > flakeWindowStart(now)) return false;
  return f.flakyCount > 0 && f.runs >= policy.minRuns && f.flakeRate >= policy.rate;
}
