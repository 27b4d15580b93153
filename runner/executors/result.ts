// How an executor reports a finished script, and what it is given to talk back.
export interface ExecResult {
  exitCode: number | null;
  reason: 'exit_code' | 'timeout' | 'runner_error' | 'cancelled';
  message?: string;
}

export interface ExecIo {
  output: (text: string) => void;
  /** Resolves when the job must stop (cancelled). */
  cancelled: Promise<void>;
}

/** The lines every executor prints when it stops a job, so logs read the same on each. */
export const stoppedLine = {
  timeout: (seconds: number) => `\nStopped: the job ran past its timeout of ${seconds} s\n`,
  cancelled: '\nStopped: the job was cancelled\n',
};
