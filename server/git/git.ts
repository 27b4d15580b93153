// Running git: argument lists only (never a shell), no prompts, a deadline.
import { execFile } from 'node:child_process';

export class GitError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'GitError';
  }
}

export interface GitOptions {
  cwd?: string;
  timeoutMs?: number;
  maxBuffer?: number;
}

export function git(args: string[], opts: GitOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 60_000,
        maxBuffer: opts.maxBuffer ?? 8 * 1024 * 1024,
        // A minimal environment: git never sees the server's secrets.
        env: {
          NODE_ENV: process.env.NODE_ENV,
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          GIT_TERMINAL_PROMPT: '0',
          GIT_ASKPASS: 'echo',
          LC_ALL: 'C',
        },
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        if (err)
          reject(new GitError(`git ${args[0]} failed: ${(stderr || err.message).trim().split('\n').pop()}`, stderr));
        else resolve(stdout);
      },
    );
  });
}
