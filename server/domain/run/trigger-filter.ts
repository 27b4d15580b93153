// Whether a config asks to run for an event: its `on` list and its `branches`
// patterns (glob: `*` within a path segment, `**` across segments). Tags are
// not branches: a tag push runs whenever `on` includes push.
import { globToRegExp } from '../../contracts/glob';
import type { RunTrigger } from '../../db/generated/enums';

export interface TriggerRules {
  on?: readonly string[];
  branches?: readonly string[] | null;
}

export interface TriggerEvent {
  trigger: RunTrigger;
  branch?: string | null;
  tag?: string | null;
}

export type FilterDecision = { run: true } | { run: false; reason: string };

export function shouldRun(rules: TriggerRules, event: TriggerEvent): FilterDecision {
  const on = rules.on ?? ['push', 'pr', 'manual'];
  if (!on.includes(event.trigger)) {
    return { run: false, reason: `the pipeline's \`on\` (${on.join(', ')}) does not include ${event.trigger}` };
  }
  // People and schedules choose their ref on purpose; branch filters are for VCS events.
  if (event.trigger === 'manual' || event.trigger === 'schedule') return { run: true };
  if (!event.branch || !rules.branches || rules.branches.length === 0) return { run: true };
  if (rules.branches.some((b) => globToRegExp(b).test(event.branch!))) return { run: true };
  return { run: false, reason: `branch ${event.branch} matches none of \`branches\` (${rules.branches.join(', ')})` };
}
