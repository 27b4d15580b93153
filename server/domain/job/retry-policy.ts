// Whether a failed attempt is tried again, from the job's `retry` config.
import type { RetryConfig } from '../pipeline-config/model';

export interface FailedAttempt {
  /** 1 for the first try. */
  number: number;
  reason: 'exit_code' | 'timeout' | 'runner_error' | 'lost';
  exitCode: number | null;
}

export function shouldRetry(retry: RetryConfig, attempt: FailedAttempt): boolean {
  if (attempt.number > retry.max) return false;
  if (attempt.reason === 'exit_code') {
    return (
      retry.when.includes('exit_code') || (attempt.exitCode !== null && retry.exitCodes.includes(attempt.exitCode))
    );
  }
  if (attempt.reason === 'timeout') return retry.when.includes('timeout');
  if (attempt.reason === 'lost') return retry.when.includes('lost');
  return false;
}
