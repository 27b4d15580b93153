import { describe, expect, it } from 'vitest';
import { shouldRetry } from './retry-policy';

const retry = (max: number, when: ('exit_code' | 'lost' | 'timeout')[], exitCodes: number[] = []) => ({
  max,
  when,
  exitCodes,
});

describe('shouldRetry', () => {
  it('retries exit codes up to max extra attempts', () => {
    const r = retry(2, ['exit_code']);
    expect(shouldRetry(r, { number: 1, reason: 'exit_code', exitCode: 1 })).toBe(true);
    expect(shouldRetry(r, { number: 2, reason: 'exit_code', exitCode: 1 })).toBe(true);
    expect(shouldRetry(r, { number: 3, reason: 'exit_code', exitCode: 1 })).toBe(false);
  });

  it('retries only the listed exit codes when `exit_code` is not in when', () => {
    const r = retry(1, [], [137]);
    expect(shouldRetry(r, { number: 1, reason: 'exit_code', exitCode: 137 })).toBe(true);
    expect(shouldRetry(r, { number: 1, reason: 'exit_code', exitCode: 1 })).toBe(false);
  });

  it('retries timeouts only when asked, and never a runner error', () => {
    expect(shouldRetry(retry(1, ['exit_code']), { number: 1, reason: 'timeout', exitCode: null })).toBe(false);
    expect(shouldRetry(retry(1, ['timeout']), { number: 1, reason: 'timeout', exitCode: null })).toBe(true);
    expect(shouldRetry(retry(3, ['exit_code', 'timeout']), { number: 1, reason: 'runner_error', exitCode: null })).toBe(
      false,
    );
  });

  it('never retries with max 0', () => {
    expect(shouldRetry(retry(0, ['exit_code']), { number: 1, reason: 'exit_code', exitCode: 1 })).toBe(false);
  });
});
