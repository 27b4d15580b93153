// The parts of GitHub's webhook payloads Switchyard reads, validated.
import { z } from 'zod';

export const GithubRepository = z.object({
  full_name: z.string(),
  clone_url: z.string().optional(),
  html_url: z.string().optional(),
  ssh_url: z.string().optional(),
  git_url: z.string().optional(),
});

export const PushPayload = z.object({
  ref: z.string(),
  after: z.string(),
  deleted: z.boolean().optional(),
  repository: GithubRepository,
  head_commit: z.object({ timestamp: z.string().optional(), message: z.string().optional() }).nullish(),
  pusher: z.object({ name: z.string().optional() }).nullish(),
  sender: z.object({ login: z.string() }).nullish(),
});
export type PushPayload = z.infer<typeof PushPayload>;

export const PullRequestPayload = z.object({
  action: z.string(),
  number: z.number().int(),
  repository: GithubRepository,
  pull_request: z.object({
    head: z.object({ sha: z.string(), ref: z.string(), repo: z.object({ full_name: z.string() }).nullish() }),
    base: z.object({ ref: z.string(), repo: z.object({ full_name: z.string() }).nullish() }),
    updated_at: z.string().optional(),
  }),
  sender: z.object({ login: z.string() }).nullish(),
});
export type PullRequestPayload = z.infer<typeof PullRequestPayload>;

export const AnyPayload = z.object({ repository: GithubRepository.optional() }).passthrough();

/** The pull request actions that run a pipeline: new code to test. */
export const PR_ACTIONS_THAT_RUN = new Set(['opened', 'synchronize', 'reopened']);

export const ZERO_SHA = /^0{40}$/;

/** Every URL a repository might be registered under. */
export function repositoryUrls(repo: z.infer<typeof GithubRepository>): string[] {
  const urls = [repo.clone_url, repo.html_url, repo.ssh_url, repo.git_url].filter((u): u is string => !!u);
  if (repo.html_url) urls.push(`${repo.html_url}.git`);
  return urls;
}
