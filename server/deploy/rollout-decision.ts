// What a rollout does after each analysis window: move to the next traffic
// step, finish, look again (too little traffic), or roll back. Pure: the
// orchestrator applies it; the deployments page shows the same reasons.
import type { HealthResult } from './health-analysis';

export interface RolloutState {
  /** Canary percentages, ascending, ending at 100 (`[100]` for rolling and blue-green). */
  steps: number[];
  /** Index into `steps` of the step being watched. */
  step: number;
  /** Inconclusive windows in a row at this step. */
  inconclusive: number;
}

export type RolloutDecision =
  | { kind: 'advance'; percent: number; reason: string }
  | { kind: 'done'; reason: string }
  | { kind: 'wait'; reason: string }
  | { kind: 'rollback'; reason: string };

/** Inconclusive windows in a row before a rollout gives up and rolls back (nobody could show it healthy). */
export const MAX_INCONCLUSIVE = 5;

export function decide(state: RolloutState, health: HealthResult, maxInconclusive = MAX_INCONCLUSIVE): RolloutDecision {
  const percent = state.steps[state.step]!;
  if (health.verdict === 'fail') {
    return { kind: 'rollback', reason: `at ${percent} % of traffic: ${health.reasons.join('; ')}` };
  }
  if (health.verdict === 'inconclusive') {
    if (state.inconclusive + 1 >= maxInconclusive) {
      return {
        kind: 'rollback',
        reason: `at ${percent} % of traffic: ${maxInconclusive} windows in a row without enough traffic to judge (${health.reasons.join('; ')})`,
      };
    }
    return { kind: 'wait', reason: `at ${percent} % of traffic: ${health.reasons.join('; ')}; watching again` };
  }
  const next = state.steps[state.step + 1];
  if (next === undefined)
    return { kind: 'done', reason: `healthy at ${percent} % of traffic: ${health.reasons.join('; ')}` };
  return { kind: 'advance', percent: next, reason: `healthy at ${percent} %: ${health.reasons.join('; ')}` };
}

/** The state after applying a decision. */
export function apply(state: RolloutState, decision: RolloutDecision): RolloutState {
  if (decision.kind === 'advance') return { ...state, step: state.step + 1, inconclusive: 0 };
  if (decision.kind === 'wait') return { ...state, inconclusive: state.inconclusive + 1 };
  return state;
}
