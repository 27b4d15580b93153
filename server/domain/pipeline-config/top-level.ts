// Readers for the keys beside `jobs`: stages, variables, default, on, branches, schedule.
import { checkBranchPattern } from './branches';
import { checkCron } from './cron';
import {
  asBool,
  asMap,
  asName,
  asString,
  asStringList,
  asVariables,
  checkKeys,
  entry,
  label,
  type Located,
} from './fields';
import { type Issues, joinPath, type Pos } from './issues';
import { readRetry, readTimeout } from './job-parts';
import { type RetryConfig, type Trigger, TRIGGERS } from './model';
import { didYouMean, listOf } from './suggest';
import type { YMap, YNode, YScalar } from './yaml-tree';

export const DEFAULT_KEYS = ['image', 'runs_on', 'timeout', 'retry', 'variables', 'allow_failure', 'network'] as const;

/** Names other CI systems use for our triggers. */
const TRIGGER_SYNONYMS = new Map<string, Trigger>([
  ['pull_request', 'pr'],
  ['merge_request', 'pr'],
  ['cron', 'schedule'],
  ['workflow_dispatch', 'manual'],
  ['web', 'manual'],
]);

/** What `default` gives every job that does not set the key itself. */
export type Defaults = {
  image?: string;
  runsOn?: string;
  timeoutSeconds?: number;
  retry?: RetryConfig;
  variables?: Record<string, string>;
  allowFailure?: boolean;
  network?: boolean;
};

export type TopLevel = {
  /** null: the key is absent and the default stages apply. */
  stages: Located<string>[] | null;
  /** `stages` is there but unusable: stage checks would only echo its error. */
  stagesBroken: boolean;
  variables: Record<string, string>;
  defaults: Defaults;
  on: Trigger[];
  branches: string[] | null;
  schedule: string | null;
};

export function readTopLevel(root: YMap, issues: Issues): TopLevel {
  const get = (key: string) => entry(root, key);
  const stagesEntry = get('stages');
  const variablesEntry = get('variables');
  const defaultEntry = get('default');
  const branchesEntry = get('branches');
  const scheduleEntry = get('schedule');
  const schedule = scheduleEntry ? readSchedule(scheduleEntry.value, issues) : null;
  const onEntry = get('on');
  const stages = stagesEntry ? readStages(stagesEntry.value, issues) : null;
  return {
    stages: stages ?? null,
    stagesBroken: stages === undefined,
    variables: (variablesEntry && asVariables(variablesEntry.value, 'variables', issues)) ?? {},
    defaults: defaultEntry ? readDefaults(defaultEntry.value, issues) : {},
    on: onEntry
      ? readOn(onEntry.value, scheduleEntry?.value.pos, schedule, issues)
      : TRIGGERS.filter((t) => t !== 'schedule' || schedule !== null),
    branches: (branchesEntry && readBranches(branchesEntry.value, issues)) ?? null,
    schedule,
  };
}

function readStages(node: YNode, issues: Issues): Located<string>[] | undefined {
  if (node.kind === 'seq' && node.items.length === 0) {
    issues.error(node.pos, 'stages: list at least one stage, or remove the key to use build, test, deploy.');
    return undefined;
  }
  const list = asStringList(node, 'stages', issues, false);
  if (!list) return undefined;
  const seen = new Set<string>();
  const out: Located<string>[] = [];
  list.forEach((s, i) => {
    const name = asName(
      { kind: 'scalar', value: s.value, text: s.value, pos: s.pos },
      joinPath('stages', i),
      issues,
      'stage',
    );
    if (name === undefined) return;
    if (seen.has(name)) issues.error(s.pos, `stages: '${name}' is listed twice.`);
    else out.push(s);
    seen.add(name);
  });
  return out;
}

function readDefaults(node: YNode, issues: Issues): Defaults {
  const map = asMap(node, 'default', issues);
  if (!map) return {};
  checkKeys(map, DEFAULT_KEYS, 'default', issues, (e) =>
    ['stage', 'script', 'needs', 'when', 'artifacts', 'reports', 'deploy'].includes(e.key)
      ? ` '${e.key}' is set per job; default takes ${listOf(DEFAULT_KEYS)}.`
      : undefined,
  );
  const read = <T>(key: string, fn: (n: YNode, p: string, at: Pos) => T | undefined): T | undefined => {
    const e = entry(map, key);
    return e ? fn(e.value, joinPath('default', key), e.keyPos) : undefined;
  };
  return {
    image: read('image', (n, p) => asString(n, p, issues)),
    runsOn: read('runs_on', (n, p) => asName(n, p, issues, 'runner pool')),
    timeoutSeconds: read('timeout', (n, p) => readTimeout(n, p, issues)),
    retry: read('retry', (n, p, at) => readRetry(n, p, issues, at)),
    variables: read('variables', (n, p) => asVariables(n, p, issues)),
    allowFailure: read('allow_failure', (n, p) => asBool(n, p, issues)),
    network: read('network', (n, p) => asBool(n, p, issues)),
  };
}

/** `schedulePos` is where the schedule key's value is, when there is one. */
function readOn(node: YNode, schedulePos: Pos | undefined, schedule: string | null, issues: Issues): Trigger[] {
  const list = asStringList(node, 'on', issues, true) ?? [];
  const seen = new Set<Trigger>();
  for (const t of list) {
    if (!(TRIGGERS as readonly string[]).includes(t.value)) {
      const synonym = TRIGGER_SYNONYMS.get(t.value);
      const hint = synonym ? ` Did you mean '${synonym}'?` : didYouMean(t.value, TRIGGERS);
      issues.error(t.pos, `on: unknown trigger '${t.value}'; use ${listOf(TRIGGERS)}.${hint}`);
    } else if (seen.has(t.value as Trigger)) {
      issues.warning(t.pos, `on: '${t.value}' is listed twice.`);
    } else {
      seen.add(t.value as Trigger);
      if (t.value === 'schedule' && schedulePos === undefined)
        issues.warning(
          t.pos,
          "on: 'schedule' is listed but there is no schedule: key, so no scheduled run will start.",
        );
    }
  }
  if (schedulePos && schedule !== null && !seen.has('schedule')) {
    issues.warning(schedulePos, "schedule: 'on' does not include schedule, so this schedule never starts a run.");
  }
  return TRIGGERS.filter((t) => seen.has(t));
}

function readBranches(node: YNode, issues: Issues): string[] | undefined {
  if (node.kind === 'seq' && node.items.length === 0) {
    issues.error(node.pos, 'branches: an empty list matches no branch; remove the key to run on every branch.');
    return undefined;
  }
  const list = asStringList(node, 'branches', issues, true);
  if (!list) return undefined;
  const bad = list.filter((b, i) => {
    const problem = checkBranchPattern(b.value);
    if (problem) issues.error(b.pos, `${node.kind === 'seq' ? joinPath('branches', i) : 'branches'}: ${problem}`);
    return problem !== undefined;
  });
  return bad.length > 0 ? undefined : list.map((b) => b.value);
}

function readSchedule(node: YNode, issues: Issues): string | null {
  const s = asString(node, 'schedule', issues);
  if (s === undefined) return null;
  const problem = checkCron(s);
  if (!problem) return s.trim().split(/\s+/).join(' ');
  const inner = (node as YScalar).inner;
  const at = inner ? { line: inner.line, column: inner.column + problem.index } : node.pos;
  issues.error(at, `${label('schedule')}: ${problem.message}.`);
  return null;
}
