// Whether an attempt that exited non-zero passes anyway because only
// quarantined tests failed, pure. The script exits non-zero because its tests
// failed; the reports say which. The failure is ignored only when that is the
// whole story: the script ran to its end and exited with a code (not a
// timeout, a cancel or a runner error), at least one report was uploaded and
// every report parsed (an unreadable report could hide a real failure), at
// least one test failed, and every failed test is quarantined.
export interface AttemptEnd {
  reason: 'exit_code' | 'timeout' | 'runner_error' | 'cancelled';
  exitCode: number | null;
}

export interface AttemptTestFacts {
  reports: { path: string; error: string | null }[];
  /** Tests that failed or errored in this attempt, with their quarantine state now. */
  failed: { suite: string; name: string; quarantined: boolean }[];
}

export type QuarantineVerdict =
  | { ignored: false }
  | {
      ignored: true;
      /** The quarantined tests that failed, as `suite › name`. */
      tests: string[];
    };

export function testLabel(t: { suite: string; name: string }): string {
  return t.suite ? `${t.suite} › ${t.name}` : t.name;
}

export function quarantineVerdict(end: AttemptEnd, facts: AttemptTestFacts): QuarantineVerdict {
  if (end.reason !== 'exit_code' || end.exitCode === null || end.exitCode === 0) return { ignored: false };
  if (facts.reports.length === 0 || facts.reports.some((r) => r.error !== null)) return { ignored: false };
  if (facts.failed.length === 0 || facts.failed.some((t) => !t.quarantined)) return { ignored: false };
  return { ignored: true, tests: facts.failed.map(testLabel).sort() };
}

const LISTED = 5;

/** The job's status reason when quarantine turned a failure into a success. */
export function quarantineReason(exitCode: number, tests: string[]): string {
  const shown = tests.slice(0, LISTED).join(', ');
  const more = tests.length > LISTED ? ` and ${tests.length - LISTED} more` : '';
  const noun = tests.length === 1 ? 'test' : 'tests';
  return `exited with code ${exitCode}, but only quarantined ${noun} failed (${shown}${more}): ignored`;
}

/** The line the job's log ends with in that case. */
export function quarantineLogLine(exitCode: number, tests: string[]): string {
  return (
    `Only quarantined tests failed (${tests.length}): ${tests.join(', ')}.\n` +
    `Their failures are ignored: the job passes although the script exited with code ${exitCode}.\n`
  );
}
