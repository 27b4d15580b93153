// From "this commit of this repository, because of this event" to a recorded
// run: fetch the mirror, read the config at the commit, parse it, apply the
// config's own trigger rules, record the run.
import type { Db } from '../../db/client';
import type { RunTrigger } from '../../db/generated/enums';
import type { Mirrors } from '../../git/mirrors';
import { NotFound, ValidationError } from '../errors';
import { parsePipelineConfig } from '../pipeline-config/parse';
import { createRun, type CreatedRun } from './create-run';
import type { Enqueue } from './enqueue';
import { shouldRun } from './trigger-filter';

export interface TriggerDeps {
  db: Db;
  mirrors: Mirrors;
  enqueue: Enqueue;
  now: () => Date;
  /** Registers (or removes) the pipeline's cron schedule from the default branch's config. */
  syncSchedule: (pipelineId: string, cron: string | null) => Promise<unknown>;
}

export interface TriggerRequest {
  repo: { id: string; cloneUrl: string; configPath: string; defaultBranch: string };
  trigger: RunTrigger;
  sha: string;
  branch?: string | null;
  tag?: string | null;
  prNumber?: number | null;
  /** A pull request from a fork: no secrets for its jobs. */
  fromFork?: boolean;
  actor?: string | null;
  actorUserId?: string | null;
  webhookDeliveryId?: string | null;
  pushedAt?: Date | null;
}

export type TriggerOutcome = { outcome: 'run_created'; run: CreatedRun } | { outcome: 'ignored'; reason: string };

export async function triggerRun(deps: TriggerDeps, req: TriggerRequest): Promise<TriggerOutcome> {
  const { repo } = req;
  await deps.mirrors.ensureCommit(repo, req.sha, req.prNumber ?? undefined);
  // Read the commit's message alongside the config: two git processes at once, not one after the other.
  const commitInfo = deps.mirrors.commitInfo(repo.id, req.sha);
  commitInfo.catch(() => undefined); // awaited below, unless the trigger is ignored first
  const text = await deps.mirrors.readFile(repo.id, req.sha, repo.configPath);
  if (text === null) return { outcome: 'ignored', reason: `no ${repo.configPath} at ${req.sha.slice(0, 12)}` };

  const parsed = parsePipelineConfig(text);
  if (parsed.config) {
    const decision = shouldRun(parsed.config, req);
    if (!decision.run) return { outcome: 'ignored', reason: decision.reason };
  }
  const pipeline = await deps.db.pipeline.findUnique({
    where: { repoId_configPath: { repoId: repo.id, configPath: repo.configPath } },
    select: { id: true },
  });
  if (!pipeline) throw new NotFound(`Pipeline ${repo.configPath}`);
  const commit = await commitInfo;
  const run = await createRun(
    deps.db,
    {
      pipelineId: pipeline.id,
      trigger: req.trigger,
      commitSha: req.sha,
      commitMessage: commit.message,
      branch: req.branch,
      tag: req.tag,
      prNumber: req.prNumber,
      fromFork: req.fromFork,
      actor: req.actor,
      actorUserId: req.actorUserId,
      webhookDeliveryId: req.webhookDeliveryId,
      pushedAt: req.pushedAt,
      configText: text,
      config: parsed.config,
      issues: parsed.issues,
    },
    deps.now(),
    deps.enqueue,
  );
  if (parsed.config && req.branch === repo.defaultBranch) await deps.syncSchedule(pipeline.id, parsed.config.schedule);
  return { outcome: 'run_created', run };
}

/** A person's run of a branch, tag or commit (the default branch when none is given). */
export async function triggerManualRun(
  deps: TriggerDeps,
  repo: TriggerRequest['repo'],
  input: { ref?: string; sha?: string; actor: string; actorUserId: string },
): Promise<CreatedRun> {
  await deps.mirrors.fetch(repo);
  let sha = input.sha;
  let branch: string | null = null;
  let tag: string | null = null;
  if (!sha) {
    const ref = input.ref ?? repo.defaultBranch;
    sha = (await deps.mirrors.resolve(repo.id, ref)) ?? undefined;
    if (!sha) throw new ValidationError(`No branch, tag or commit named ${ref} in ${repo.cloneUrl}`);
    const isTag =
      (await deps.mirrors.resolve(repo.id, `refs/tags/${ref}`)) === sha &&
      !(await deps.mirrors.resolve(repo.id, `refs/heads/${ref}`));
    if (isTag) tag = ref;
    else if (!/^[0-9a-f]{7,40}$/.test(ref)) branch = ref.replace(/^refs\/heads\//, '');
  } else if (!/^[0-9a-f]{40}$/.test(sha)) {
    throw new ValidationError('--sha takes a full 40-character commit SHA');
  }
  const result = await triggerRun(deps, {
    repo,
    trigger: 'manual',
    sha,
    branch,
    tag,
    actor: input.actor,
    actorUserId: input.actorUserId,
  });
  if (result.outcome !== 'run_created') throw new ValidationError(`Nothing to run: ${result.reason}`);
  return result.run;
}
