// A fresh workspace per attempt, with a real git checkout of the commit.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ClaimedJobView } from './job';

const run = promisify(execFile);

export async function checkout(job: ClaimedJobView, workspace: string): Promise<void> {
  const url = job.repo.cloneUrl.startsWith('/') ? `file://${job.repo.cloneUrl}` : job.repo.cloneUrl;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    GIT_TERMINAL_PROMPT: '0',
  } as unknown as NodeJS.ProcessEnv;
  await run('git', ['clone', '--quiet', '--no-checkout', '--', url, workspace], { env, timeout: 300_000 });
  await run('git', ['checkout', '--quiet', '--detach', job.commitSha], { cwd: workspace, env, timeout: 300_000 });
}
