// A job's environment and script, the same for every executor: the job's
// variables, its secrets and CI_* only, never the runner's own environment.
import type { ClaimedJobView } from './job';

export function jobEnv(job: ClaimedJobView, workspace: string): Record<string, string> {
  return {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: workspace,
    LANG: 'C.UTF-8',
    CI: 'true',
    SWITCHYARD: 'true',
    CI_COMMIT_SHA: job.commitSha,
    CI_COMMIT_BRANCH: job.branch ?? '',
    CI_COMMIT_TAG: job.tag ?? '',
    CI_JOB_ID: job.jobId,
    CI_JOB_NAME: job.name,
    CI_JOB_ATTEMPT: String(job.attempt),
    CI_RUN_ID: job.runId,
    CI_RUN_NUMBER: String(job.runNumber),
    CI_REPO: job.repo.name,
    CI_PROJECT_DIR: workspace,
    ...job.spec.variables,
    ...job.secrets,
  };
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The script: each line echoed before it runs, stopping at the first failure (bash and POSIX sh alike). */
export function scriptText(lines: string[]): string {
  return ['set -e', ...lines.flatMap((l) => [`printf '%s\\n' ${shellQuote(`$ ${l}`)}`, l])].join('\n') + '\n';
}
