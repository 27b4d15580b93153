// Readers for the structured parts of a job that `default` may share or that
// have their own sub-keys: retry, timeout, artifacts, reports.
import {
  asDuration,
  asInt,
  asMap,
  asName,
  asStringList,
  checkKeys,
  entry,
  label,
  type Located,
  misspelled,
  typeError,
} from './fields';
import { type Issues, joinPath, type Pos } from './issues';
import {
  type ArtifactsConfig,
  DEFAULTS,
  LIMITS,
  type ReportsConfig,
  RETRY_REASONS,
  type RetryConfig,
  type RetryReason,
} from './model';
import { formatDuration } from './duration';
import { didYouMean, listOf } from './suggest';
import type { YEntry, YNode } from './yaml-tree';

export const NO_RETRY: RetryConfig = { max: DEFAULTS.retryMax, when: [...RETRY_REASONS], exitCodes: [] };

/** `retry: 2` or `retry: { max: 2, when: [exit_code, lost, 137] }`. */
/** `at`: the retry key, where a missing max is reported. */
export function readRetry(node: YNode, path: string, issues: Issues, at: Pos = node.pos): RetryConfig | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'number') {
    const max = asInt(node, path, issues, 0, LIMITS.retryMax);
    return max === undefined ? undefined : { ...NO_RETRY, max };
  }
  if (node.kind !== 'map')
    return typeError(node, path, `a number from 0 to ${LIMITS.retryMax} or a map with max and when`, issues);
  checkKeys(node, ['max', 'when'], path, issues);
  const maxEntry = entry(node, 'max');
  if (!maxEntry && !misspelled(node, 'max', ['max', 'when']))
    issues.error(at, `${label(path)}: missing key 'max' (how many times to retry, 0 to ${LIMITS.retryMax}).`);
  const max = maxEntry && asInt(maxEntry.value, joinPath(path, 'max'), issues, 0, LIMITS.retryMax);
  const whenEntry = entry(node, 'when');
  const when = whenEntry
    ? readRetryWhen(whenEntry.value, joinPath(path, 'when'), issues)
    : { when: [...RETRY_REASONS], exitCodes: [] };
  if (max === undefined || when === undefined) return undefined;
  return { max, ...when };
}

function readRetryWhen(node: YNode, path: string, issues: Issues): Omit<RetryConfig, 'max'> | undefined {
  const items = node.kind === 'seq' ? node.items : [node];
  const reasons = new Set<RetryReason>();
  const codes = new Set<number>();
  let ok = true;
  items.forEach((item, i) => {
    const p = node.kind === 'seq' ? joinPath(path, i) : path;
    const read = readRetryCondition(item, p, issues);
    if (read === undefined) ok = false;
    else if (typeof read === 'number') codes.add(read);
    else reasons.add(read);
  });
  if (items.length === 0) {
    issues.error(node.pos, `${label(path)}: list at least one of ${listOf([...RETRY_REASONS, 'an exit code'])}.`);
    return undefined;
  }
  if (reasons.has('exit_code') && codes.size > 0) {
    issues.warning(
      node.pos,
      `${label(path)}: exit_code already retries every non-zero exit code; the exit codes listed add nothing.`,
    );
  }
  if (!ok) return undefined;
  return { when: RETRY_REASONS.filter((r) => reasons.has(r)), exitCodes: [...codes].sort((a, b) => a - b) };
}

function readRetryCondition(node: YNode, path: string, issues: Issues): RetryReason | number | undefined {
  if (node.kind === 'scalar' && typeof node.value === 'number') return asInt(node, path, issues, 1, 255);
  if (node.kind !== 'scalar' || typeof node.value !== 'string')
    return typeError(node, path, listOf([...RETRY_REASONS, 'an exit code']), issues);
  const s = node.value;
  if ((RETRY_REASONS as readonly string[]).includes(s)) return s as RetryReason;
  issues.error(
    node.pos,
    `${label(path)}: unknown value '${s}'; use ${listOf([...RETRY_REASONS, 'an exit code (1-255)'])}.${didYouMean(s, RETRY_REASONS)}`,
  );
  return undefined;
}

/** A positive duration; above a day is allowed but warned about. */
export function readTimeout(node: YNode, path: string, issues: Issues): number | undefined {
  const seconds = asDuration(node, path, issues);
  if (seconds !== undefined && seconds > LIMITS.timeoutWarnSeconds) {
    issues.warning(
      node.pos,
      `${label(path)}: ${formatDuration(seconds)} is longer than a day; a job this long is usually stuck.`,
    );
  }
  return seconds;
}

export type ArtifactsDraft = { artifacts: ArtifactsConfig; namePos: YEntry['keyPos'] };

export function readArtifacts(e: YEntry, path: string, jobName: string, issues: Issues): ArtifactsDraft | undefined {
  const map = asMap(e.value, path, issues);
  if (!map) return undefined;
  checkKeys(map, ['name', 'paths', 'expire_in'], path, issues);
  const nameEntry = entry(map, 'name');
  const name = nameEntry ? asName(nameEntry.value, joinPath(path, 'name'), issues, 'artifact') : jobName;
  const pathsEntry = entry(map, 'paths');
  if (!pathsEntry && !misspelled(map, 'paths', ['name', 'paths', 'expire_in']))
    issues.error(e.keyPos, `${label(path)}: missing key 'paths' (the files or folders to keep, e.g. paths: [dist/]).`);
  const paths = pathsEntry && readPaths(pathsEntry.value, joinPath(path, 'paths'), issues);
  const expireEntry = entry(map, 'expire_in');
  const expireIn = expireEntry
    ? asDuration(expireEntry.value, joinPath(path, 'expire_in'), issues)
    : DEFAULTS.artifactExpireInSeconds;
  if (name === undefined || paths === undefined || expireIn === undefined) return undefined;
  return { artifacts: { name, paths, expireInSeconds: expireIn }, namePos: nameEntry?.value.pos ?? e.keyPos };
}

export function readReports(node: YNode, path: string, issues: Issues): ReportsConfig | undefined {
  const map = asMap(node, path, issues);
  if (!map) return undefined;
  checkKeys(map, ['junit'], path, issues);
  const junitEntry = entry(map, 'junit');
  const junit = junitEntry ? readPaths(junitEntry.value, joinPath(path, 'junit'), issues) : [];
  return junit === undefined ? undefined : { junit };
}

/** Paths and globs inside the workspace: relative, never through `..`. */
function readPaths(node: YNode, path: string, issues: Issues): string[] | undefined {
  const list = asStringList(node, path, issues, true);
  if (list === undefined) return undefined;
  if (list.length === 0) {
    issues.error(node.pos, `${label(path)}: list at least one path.`);
    return undefined;
  }
  const bad = list.filter((p) => !checkWorkspacePath(p, path, issues));
  return bad.length > 0 ? undefined : list.map((p) => p.value);
}

function checkWorkspacePath(p: Located<string>, path: string, issues: Issues): boolean {
  if (/^([/\\~]|[A-Za-z]:)/.test(p.value)) {
    issues.error(p.pos, `${label(path)}: '${p.value}' must be relative to the workspace, not absolute.`);
    return false;
  }
  if (p.value.split(/[/\\]/).includes('..')) {
    issues.error(p.pos, `${label(path)}: '${p.value}' must stay inside the workspace; '..' is not allowed.`);
    return false;
  }
  return true;
}
