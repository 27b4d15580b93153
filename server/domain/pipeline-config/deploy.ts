// The `deploy` block of a job: what to roll out where, how, behind which gate,
// and the health that triggers an automatic rollback.
import {
  asBool,
  asDuration,
  asEnum,
  asInt,
  asMap,
  asName,
  asNumber,
  asString,
  checkKeys,
  entry,
  label,
  misspelled,
} from './fields';
import { type Issues, joinPath, type Pos } from './issues';
import {
  APPROVALS,
  DEFAULTS,
  DEPLOY_STRATEGIES,
  type DeployConfig,
  type DeployStrategy,
  type HealthConfig,
  PRODUCTION_ENVIRONMENT,
} from './model';
import type { YEntry, YMap, YNode } from './yaml-tree';

const DEPLOY_KEYS = [
  'environment',
  'artifact',
  'strategy',
  'steps',
  'approval',
  'instances',
  'start',
  'health',
] as const;
const APPROVAL_KEYS = ['approvals', 'self_approval'] as const;
const HEALTH_KEYS = ['max_error_rate', 'max_p99_ms', 'window'] as const;

export type DeployDraft = { deploy: DeployConfig; artifactPos: Pos };

export function readDeploy(e: YEntry, path: string, issues: Issues): DeployDraft | undefined {
  const map = asMap(e.value, path, issues);
  if (!map) return undefined;
  checkKeys(map, DEPLOY_KEYS, path, issues);
  const environment = required(map, 'environment', path, e, issues, (n, p) => asName(n, p, issues, 'environment'));
  const artifactEntry = entry(map, 'artifact');
  const artifact = required(map, 'artifact', path, e, issues, (n, p) => asName(n, p, issues, 'artifact'));
  const strategyEntry = entry(map, 'strategy');
  const strategy = strategyEntry
    ? asEnum(strategyEntry.value, joinPath(path, 'strategy'), issues, DEPLOY_STRATEGIES)
    : DEFAULTS.strategy;
  const steps = readSteps(map, strategy, path, issues);
  const approval = readApproval(map, environment, path, issues);
  const instancesEntry = entry(map, 'instances');
  const instances = instancesEntry
    ? asInt(instancesEntry.value, joinPath(path, 'instances'), issues, 1, 20)
    : DEFAULTS.instances;
  const startEntry = entry(map, 'start');
  const start = startEntry ? asString(startEntry.value, joinPath(path, 'start'), issues) : null;
  const healthEntry = entry(map, 'health');
  const health = healthEntry ? readHealth(healthEntry.value, joinPath(path, 'health'), issues) : { ...DEFAULTS.health };
  if (
    environment === undefined ||
    artifact === undefined ||
    strategy === undefined ||
    steps === undefined ||
    approval === undefined ||
    instances === undefined ||
    start === undefined ||
    health === undefined
  ) {
    return undefined;
  }
  return {
    deploy: { environment, artifact, strategy, steps, ...approval, instances, start, health },
    artifactPos: artifactEntry!.value.pos,
  };
}

function required<T>(
  map: YMap,
  key: string,
  path: string,
  owner: YEntry,
  issues: Issues,
  read: (n: YNode, p: string) => T | undefined,
): T | undefined {
  const e = entry(map, key);
  if (e) return read(e.value, joinPath(path, key));
  if (!misspelled(map, key, DEPLOY_KEYS)) issues.error(owner.keyPos, `${label(path)}: missing key '${key}'.`);
  return undefined;
}

function readSteps(
  map: YMap,
  strategy: DeployStrategy | undefined,
  path: string,
  issues: Issues,
): number[] | undefined {
  const e = entry(map, 'steps');
  if (!e) return strategy === 'canary' ? [...DEFAULTS.canarySteps] : [100];
  if (strategy !== undefined && strategy !== 'canary') {
    issues.error(e.keyPos, `${label(path)}: steps only apply to strategy: canary (this deploy is ${strategy}).`);
    return undefined;
  }
  const p = joinPath(path, 'steps');
  if (e.value.kind !== 'seq' || e.value.items.length === 0) {
    issues.error(e.value.pos, `${label(p)}: expected a list of traffic percentages ending at 100, e.g. [10, 50, 100].`);
    return undefined;
  }
  return checkSteps(e.value.items, p, issues);
}

function checkSteps(items: YNode[], path: string, issues: Issues): number[] | undefined {
  const steps: number[] = [];
  for (const [i, item] of items.entries()) {
    const n = asInt(item, joinPath(path, i), issues, 1, 100);
    if (n === undefined) return undefined;
    const before = steps[steps.length - 1];
    if (before !== undefined && n <= before) {
      issues.error(item.pos, `${label(path)}: steps must go up; ${n} comes after ${before}.`);
      return undefined;
    }
    steps.push(n);
  }
  if (steps[steps.length - 1] !== 100) {
    issues.error(
      items[items.length - 1]!.pos,
      `${label(path)}: the last step must be 100 (all traffic on the new version).`,
    );
    return undefined;
  }
  return steps;
}

type ApprovalRules = Pick<DeployConfig, 'approval' | 'approvals' | 'selfApproval'>;

/** `approval: required | none`, or `approval: { approvals: 2, self_approval: false }` (required, with rules). */
function readApproval(
  map: YMap,
  environment: string | undefined,
  path: string,
  issues: Issues,
): ApprovalRules | undefined {
  const e = entry(map, 'approval');
  const p = joinPath(path, 'approval');
  const required: ApprovalRules = { approval: 'required', approvals: DEFAULTS.approvals, selfApproval: false };
  if (!e) return environment === PRODUCTION_ENVIRONMENT ? required : { ...required, approval: 'none', approvals: 0 };
  if (e.value.kind === 'map') {
    const rules = asMap(e.value, p, issues)!;
    checkKeys(rules, APPROVAL_KEYS, p, issues);
    const countEntry = entry(rules, 'approvals');
    const approvals = countEntry
      ? asInt(countEntry.value, joinPath(p, 'approvals'), issues, 1, 10)
      : DEFAULTS.approvals;
    const selfEntry = entry(rules, 'self_approval');
    const selfApproval = selfEntry ? asBool(selfEntry.value, joinPath(p, 'self_approval'), issues) : false;
    if (approvals === undefined || selfApproval === undefined) return undefined;
    return { approval: 'required', approvals, selfApproval };
  }
  const approval = asEnum(e.value, p, issues, APPROVALS);
  if (approval === undefined) return undefined;
  if (approval === 'none' && environment === PRODUCTION_ENVIRONMENT) {
    issues.warning(e.value.pos, `${label(p)}: production deploys start without anyone approving them.`);
  }
  return approval === 'none' ? { ...required, approval, approvals: 0 } : required;
}

function readHealth(node: YNode, path: string, issues: Issues): HealthConfig | undefined {
  const map = asMap(node, path, issues);
  if (!map) return undefined;
  checkKeys(map, HEALTH_KEYS, path, issues);
  const rateEntry = entry(map, 'max_error_rate');
  const rate = rateEntry
    ? readRate(rateEntry.value, joinPath(path, 'max_error_rate'), issues)
    : DEFAULTS.health.maxErrorRate;
  const p99Entry = entry(map, 'max_p99_ms');
  const p99 = p99Entry ? readPositive(p99Entry.value, joinPath(path, 'max_p99_ms'), issues) : DEFAULTS.health.maxP99Ms;
  const windowEntry = entry(map, 'window');
  const window = windowEntry
    ? asDuration(windowEntry.value, joinPath(path, 'window'), issues)
    : DEFAULTS.health.windowSeconds;
  if (rate === undefined || p99 === undefined || window === undefined) return undefined;
  return { maxErrorRate: rate, maxP99Ms: p99, windowSeconds: window };
}

function readRate(node: YNode, path: string, issues: Issues): number | undefined {
  const n = asNumber(node, path, issues);
  if (n === undefined || (n >= 0 && n <= 1)) return n;
  issues.error(node.pos, `${label(path)}: must be a fraction from 0 to 1 (0.02 is 2 %), got ${n}.`);
  return undefined;
}

function readPositive(node: YNode, path: string, issues: Issues): number | undefined {
  const n = asNumber(node, path, issues);
  if (n === undefined || n > 0) return n;
  issues.error(node.pos, `${label(path)}: must be more than 0, got ${n}.`);
  return undefined;
}
