// Reads each entry of `jobs` into a resolved job, applying `default` and merging
// variables (global < default < job). Checks that need other jobs are in validate.ts.
import { type DeployDraft, readDeploy } from './deploy';
import {
  asBool,
  asEnum,
  asMap,
  asName,
  asString,
  asStringList,
  asVariables,
  checkKeys,
  entry,
  label,
  type Located,
  misspelled,
} from './fields';
import { type Issues, joinPath, type Pos } from './issues';
import { NO_RETRY, readArtifacts, readReports, readRetry, readTimeout, type ArtifactsDraft } from './job-parts';
import { DEFAULT_JOB_STAGE, DEFAULTS, type JobConfig, JOB_WHENS, type RetryConfig } from './model';
import type { TopLevel } from './top-level';
import type { YEntry, YMap, YNode } from './yaml-tree';

export const JOB_KEYS = [
  'stage',
  'image',
  'runs_on',
  'script',
  'needs',
  'when',
  'allow_failure',
  'network',
  'retry',
  'timeout',
  'variables',
  'artifacts',
  'reports',
  'deploy',
] as const;

/**
 * A job with the positions the cross-job checks point at. A job with errors still
 * has a draft (invalid fields fall back to defaults) so its needs get checked too.
 */
export type JobDraft = {
  /** A best effort when the job has errors (then the config is null anyway). */
  job: JobConfig;
  keyPos: Pos;
  /** null when the stage written is invalid. `pos` is the job's name when it has no stage key. */
  stage: { value: string; pos: Pos; explicit: boolean } | null;
  needs: Located<string>[] | null;
  whenPos: Pos;
  artifactsNamePos?: Pos;
  deployArtifactPos?: Pos;
};

/** Jobs whose name starts with '.' are templates for anchors: never run, never checked. */
export function isHidden(name: string): boolean {
  return name.startsWith('.');
}

/** undefined when the entry is not a job at all (not a map, or a bad name). */
export function readJob(e: YEntry, top: TopLevel, issues: Issues): JobDraft | undefined {
  const path = joinPath('jobs', e.key);
  const name = asName({ kind: 'scalar', value: e.key, text: e.key, pos: e.keyPos }, path, issues, 'job');
  const map = asMap(e.value, path, issues);
  if (!map || name === undefined) return undefined;
  checkKeys(map, JOB_KEYS, path, issues);
  const parts = readParts(map, path, name, top, issues);
  const script = readScript(map, path, e.keyPos, entry(map, 'deploy') !== undefined, issues);
  const stageEntry = entry(map, 'stage');
  return {
    job: {
      name,
      ...parts.job,
      script: script ?? [],
      artifacts: parts.artifacts?.artifacts ?? null,
      deploy: parts.deploy?.deploy ?? null,
    },
    keyPos: e.keyPos,
    stage: parts.stageOk
      ? { value: parts.job.stage, pos: stageEntry?.value.pos ?? e.keyPos, explicit: stageEntry !== undefined }
      : null,
    needs: parts.needs,
    whenPos: parts.whenPos ?? e.keyPos,
    artifactsNamePos: parts.artifacts?.namePos,
    deployArtifactPos: parts.deploy?.artifactPos,
  };
}

type Parts = {
  /** false when the stage written is invalid. */
  stageOk: boolean;
  job: Omit<JobConfig, 'name' | 'script' | 'artifacts' | 'deploy'>;
  whenPos?: Pos;
  needs: Located<string>[] | null;
  artifacts?: ArtifactsDraft;
  deploy?: DeployDraft;
};

function readParts(map: YMap, path: string, name: string, top: TopLevel, issues: Issues): Parts {
  const d = top.defaults;
  const read = <T>(key: string, fn: (n: YNode, p: string, at: Pos) => T | undefined): T | undefined => {
    const e = entry(map, key);
    return e ? fn(e.value, joinPath(path, key), e.keyPos) : undefined;
  };
  const stage = read('stage', (n, p) => asName(n, p, issues, 'stage'));
  const stageOk = stage !== undefined || entry(map, 'stage') === undefined;
  const job = {
    stage: stage ?? DEFAULT_JOB_STAGE,
    image: read('image', (n, p) => asString(n, p, issues)) ?? d.image ?? null,
    runsOn: read('runs_on', (n, p) => asName(n, p, issues, 'runner pool')) ?? d.runsOn ?? DEFAULTS.runsOn,
    needs: null,
    when: read('when', (n, p) => asEnum(n, p, issues, JOB_WHENS)) ?? 'on_success',
    allowFailure: read('allow_failure', (n, p) => asBool(n, p, issues)) ?? d.allowFailure ?? false,
    network: read('network', (n, p) => asBool(n, p, issues)) ?? d.network ?? false,
    retry: copyRetry(read('retry', (n, p, at) => readRetry(n, p, issues, at)) ?? d.retry ?? NO_RETRY),
    timeoutSeconds: read('timeout', (n, p) => readTimeout(n, p, issues)) ?? d.timeoutSeconds ?? DEFAULTS.timeoutSeconds,
    variables: { ...top.variables, ...d.variables, ...read('variables', (n, p) => asVariables(n, p, issues)) },
    reports: read('reports', (n, p) => readReports(n, p, issues)) ?? { junit: [] },
  };
  const needs = read('needs', (n, p) => readNeeds(n, p, issues)) ?? null;
  const artifactsEntry = entry(map, 'artifacts');
  const artifacts = artifactsEntry && readArtifacts(artifactsEntry, joinPath(path, 'artifacts'), name, issues);
  const deployEntry = entry(map, 'deploy');
  const deploy = deployEntry && readDeploy(deployEntry, joinPath(path, 'deploy'), issues);
  return {
    stageOk,
    job: { ...job, needs: needs && needs.map((n) => n.value) },
    whenPos: entry(map, 'when')?.value.pos,
    needs,
    artifacts,
    deploy,
  };
}

/** Jobs never share an object: whoever gets one job's config may change it freely. */
function copyRetry(r: RetryConfig): RetryConfig {
  return { max: r.max, when: [...r.when], exitCodes: [...r.exitCodes] };
}

function readScript(map: YMap, path: string, at: Pos, isDeploy: boolean, issues: Issues): string[] | undefined {
  const e = entry(map, 'script');
  if (!e) {
    if (isDeploy) return [];
    if (misspelled(map, 'script', JOB_KEYS)) return undefined;
    issues.error(at, `${label(path)}: missing key 'script' (the shell lines to run); only a job with deploy has none.`);
    return undefined;
  }
  if (isDeploy) {
    issues.error(
      e.keyPos,
      `${label(path)}: a deploy job runs the rollout, not a script; move the script into a job it needs.`,
    );
    return undefined;
  }
  const p = joinPath(path, 'script');
  const lines = asStringList(e.value, p, issues, true);
  if (lines && lines.length === 0) {
    issues.error(e.value.pos, `${label(p)}: list at least one line.`);
    return undefined;
  }
  return lines?.map((l) => l.value);
}

/** Needs as written, without repeats (a repeat is warned about). Whether each name exists is checked later. */
function readNeeds(node: YNode, path: string, issues: Issues): Located<string>[] | undefined {
  if (node.kind === 'scalar' && node.value !== null && !node.broken) {
    issues.error(node.pos, `${label(path)}: expected a list of job names, e.g. needs: [${node.text}].`);
    return undefined;
  }
  const list = asStringList(node, path, issues, false);
  if (!list) return undefined;
  const seen = new Set<string>();
  return list.filter((n) => {
    if (seen.has(n.value)) issues.warning(n.pos, `${label(path)}: '${n.value}' is listed twice.`);
    const first = !seen.has(n.value);
    seen.add(n.value);
    return first;
  });
}
