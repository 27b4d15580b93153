import { describe, expect, it } from 'vitest';
import { FLAKE_WINDOW_DAYS, flakinessOf, flakyAt, shouldAutoQuarantine, type CommitTally } from './flakiness';

const t = (minutes: number) => new Date(Date.UTC(2026, 11, 5, 12, minutes));

function tally(over: Partial<CommitTally>): CommitTally {
  return {
    commitSha: 'a'.repeat(40),
    runs: 1,
    failures: 0,
    firstFailedAt: null,
    firstPassedAt: t(0),
    lastSeenAt: t(0),
    failedAttemptMs: 0,
    ...over,
  };
}

describe('flakinessOf', () => {
  it('counts a commit flaky once when it failed then passed, however many tries', () => {
    const f = flakinessOf([
      tally({
        runs: 4,
        failures: 3,
        firstFailedAt: t(1),
        firstPassedAt: t(9),
        lastSeenAt: t(9),
        failedAttemptMs: 3000,
      }),
    ]);
    expect(f).toEqual({
      runs: 4,
      failures: 3,
      flakyCount: 1,
      flakeRate: 0.25,
      timeLostMs: 3000,
      lastSeenAt: t(9),
      lastFlakyAt: t(9),
    });
  });

  it('counts passed then failed on the same commit too, flaky from the failure', () => {
    const c = tally({ runs: 2, failures: 1, firstPassedAt: t(1), firstFailedAt: t(5), lastSeenAt: t(5) });
    expect(flakyAt(c)).toEqual(t(5));
    expect(flakinessOf([c]).flakyCount).toBe(1);
  });

  it('does not call a test flaky when it only failed, or only passed, on each commit', () => {
    const f = flakinessOf([
      tally({ commitSha: 'b', runs: 2, failures: 2, firstPassedAt: null, firstFailedAt: t(1), failedAttemptMs: 900 }),
      tally({ commitSha: 'c', runs: 3, lastSeenAt: t(30) }),
    ]);
    expect(f).toMatchObject({ runs: 5, failures: 2, flakyCount: 0, flakeRate: 0, timeLostMs: 0, lastSeenAt: t(30) });
    expect(f.lastFlakyAt).toBeNull();
  });

  it('adds up flaky commits and keeps a flaky moment that left the window', () => {
    const f = flakinessOf(
      [
        tally({ commitSha: 'b', runs: 2, failures: 1, firstFailedAt: t(1), firstPassedAt: t(2), failedAttemptMs: 100 }),
        tally({ commitSha: 'c', runs: 2, failures: 1, firstFailedAt: t(3), firstPassedAt: t(4), failedAttemptMs: 200 }),
        tally({ commitSha: 'd', runs: 4 }),
      ],
      t(50),
    );
    expect(f).toMatchObject({ runs: 8, flakyCount: 2, flakeRate: 0.25, timeLostMs: 300, lastFlakyAt: t(50) });
  });

  it('gives zero rate without runs', () => {
    expect(flakinessOf([])).toMatchObject({ runs: 0, flakeRate: 0, lastSeenAt: null });
  });
});

describe('shouldAutoQuarantine', () => {
  const now = t(60);
  const flaky = flakinessOf([tally({ runs: 4, failures: 1, firstFailedAt: t(1), firstPassedAt: t(2) })]); // rate 0.25
  const free = { quarantinedAt: null, releasedAt: null };

  it('is off without a rate', () => {
    expect(shouldAutoQuarantine(flaky, free, undefined, now)).toBe(false);
    expect(shouldAutoQuarantine(flaky, free, { minRuns: 1 }, now)).toBe(false);
  });

  it('quarantines at or above the rate once there are enough runs', () => {
    expect(shouldAutoQuarantine(flaky, free, { rate: 0.25, minRuns: 4 }, now)).toBe(true);
    expect(shouldAutoQuarantine(flaky, free, { rate: 0.3, minRuns: 4 }, now)).toBe(false);
    expect(shouldAutoQuarantine(flaky, free, { rate: 0.1, minRuns: 5 }, now)).toBe(false);
  });

  it('leaves alone a test already quarantined, or released by a person within the window', () => {
    const policy = { rate: 0.1, minRuns: 1 };
    expect(shouldAutoQuarantine(flaky, { quarantinedAt: t(0), releasedAt: null }, policy, now)).toBe(false);
    expect(shouldAutoQuarantine(flaky, { quarantinedAt: null, releasedAt: t(30) }, policy, now)).toBe(false);
    const longAgo = new Date(now.getTime() - (FLAKE_WINDOW_DAYS + 1) * 86_400_000);
    expect(shouldAutoQuarantine(flaky, { quarantinedAt: null, releasedAt: longAgo }, policy, now)).toBe(true);
  });
});
