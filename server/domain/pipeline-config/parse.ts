// The entry point: YAML text in, the resolved config and its issues out. Pure and
// total: whatever the text, it returns (a bad config never crashes anything), and
// `config` is null whenever an issue is an error.
import { asMap, checkKeys, entry } from './fields';
import { type ConfigIssue, Issues, START } from './issues';
import { isHidden, type JobDraft, readJob } from './jobs';
import { DEFAULT_STAGES, type PipelineConfig } from './model';
import { readTopLevel, type TopLevel } from './top-level';
import { validateJobs } from './validate';
import { readYaml, type YEntry, type YMap } from './yaml-tree';

export type { ConfigIssue };

export type ParseResult = { config: PipelineConfig | null; issues: ConfigIssue[] };

export const TOP_KEYS = ['stages', 'variables', 'default', 'on', 'branches', 'schedule', 'jobs'] as const;

export function parsePipelineConfig(text: string): ParseResult {
  const issues = new Issues();
  let config: PipelineConfig | undefined;
  try {
    config = read(text, issues);
  } catch (e) {
    // A bug here must not fail the caller: it becomes an issue like any other.
    issues.error(START, `The config could not be read: ${e instanceof Error ? e.message : String(e)}.`);
  }
  return { config: config && !issues.hasErrors ? config : null, issues: issues.sorted() };
}

function read(text: string, issues: Issues): PipelineConfig | undefined {
  if (typeof text !== 'string') {
    issues.error(START, 'The config must be text.');
    return undefined;
  }
  const root = readYaml(text, issues);
  if (!root) return undefined;
  if (root.kind === 'scalar' && root.value === null && !root.broken) {
    issues.error(START, 'The config is empty; it needs at least a jobs: map (see docs/pipeline-config.md).');
    return undefined;
  }
  const map = asMap(root, '', issues);
  if (!map) return undefined;
  // Top-level keys starting with '.' hold anchors for the jobs (templates); they are not read.
  checkKeys({ ...map, entries: map.entries.filter((e) => !isHidden(e.key)) }, TOP_KEYS, '', issues, jobOutsideJobs);
  const top = readTopLevel(map, issues);
  const jobs = readJobs(map, top, issues);
  if (!jobs) return undefined;
  validateJobs(top, jobs.drafts, jobs.names, issues);
  return {
    stages: top.stages ? top.stages.map((s) => s.value) : [...DEFAULT_STAGES],
    variables: top.variables,
    on: top.on,
    branches: top.branches,
    schedule: top.schedule,
    jobs: jobs.drafts.map((d) => d.job),
  };
}

function readJobs(root: YMap, top: TopLevel, issues: Issues): { drafts: JobDraft[]; names: Set<string> } | undefined {
  const e = entry(root, 'jobs');
  if (!e) {
    issues.error(START, "config: missing key 'jobs' (a map of the jobs to run).");
    return undefined;
  }
  if (e.value.kind === 'scalar' && e.value.value === null) {
    issues.error(e.keyPos, 'jobs: there are no jobs; add at least one.');
    return undefined;
  }
  const map = asMap(e.value, 'jobs', issues);
  if (!map) return undefined;
  const visible = map.entries.filter((j) => !isHidden(j.key));
  if (visible.length === 0) {
    const why = map.entries.length === 0 ? 'there are no jobs' : "every job is hidden (its name starts with '.')";
    issues.error(e.keyPos, `jobs: ${why}; add at least one job that runs.`);
    return undefined;
  }
  const drafts = visible.map((j) => readJob(j, top, issues)).filter((d) => d !== undefined);
  return { drafts, names: new Set(map.entries.map((j) => j.key)) };
}

function jobOutsideJobs(e: YEntry): string | undefined {
  if (e.value.kind !== 'map' || !e.value.entries.some((k) => ['script', 'stage', 'deploy'].includes(k.key)))
    return undefined;
  return ' It looks like a job: jobs go under jobs:.';
}
