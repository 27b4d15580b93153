import { describe, expect, it } from 'vitest';
import { quarantineLogLine, quarantineReason, quarantineVerdict, type AttemptTestFacts } from './quarantine-verdict';

const exited = (exitCode: number) => ({ reason: 'exit_code' as const, exitCode });
const parsed = [{ path: 'reports/junit.xml', error: null }];
const q = (name: string, quarantined = true) => ({ suite: 'cart', name, quarantined });

describe('quarantineVerdict', () => {
  it('ignores the failure when every failed test is quarantined', () => {
    const facts: AttemptTestFacts = { reports: parsed, failed: [q('b'), q('a')] };
    expect(quarantineVerdict(exited(1), facts)).toEqual({ ignored: true, tests: ['cart › a', 'cart › b'] });
  });

  it('fails when a failed test is not quarantined', () => {
    expect(quarantineVerdict(exited(1), { reports: parsed, failed: [q('a'), q('b', false)] })).toEqual({
      ignored: false,
    });
  });

  it('fails when no test failed: the script failed for another reason', () => {
    expect(quarantineVerdict(exited(2), { reports: parsed, failed: [] })).toEqual({ ignored: false });
  });

  it('fails without reports, or when one report could not be read', () => {
    expect(quarantineVerdict(exited(1), { reports: [], failed: [q('a')] })).toEqual({ ignored: false });
    const reports = [...parsed, { path: 'reports/e2e.xml', error: 'not well-formed XML at line 1, column 1' }];
    expect(quarantineVerdict(exited(1), { reports, failed: [q('a')] })).toEqual({ ignored: false });
  });

  it('never turns a timeout, a cancel, a runner error or a success into anything else', () => {
    const facts = { reports: parsed, failed: [q('a')] };
    for (const reason of ['timeout', 'cancelled', 'runner_error'] as const) {
      expect(quarantineVerdict({ reason, exitCode: null }, facts)).toEqual({ ignored: false });
    }
    expect(quarantineVerdict(exited(0), facts)).toEqual({ ignored: false });
  });
});

describe('quarantine wording', () => {
  it('names the tests, up to five in the reason', () => {
    expect(quarantineReason(1, ['a'])).toBe('exited with code 1, but only quarantined test failed (a): ignored');
    expect(quarantineReason(3, ['a', 'b', 'c', 'd', 'e', 'f', 'g'])).toBe(
      'exited with code 3, but only quarantined tests failed (a, b, c, d, e and 2 more): ignored',
    );
    expect(quarantineLogLine(1, ['cart › a'])).toContain('Only quarantined tests failed (1): cart › a.');
  });
});
