// The shape of an environment at each step of a rollout, per strategy: pure,
// so the orchestrator only ever applies a target and the deployer only ever
// walks a list. `percent` is the new version's share of traffic, the figure
// its health is judged at.
import type { DeployStrategy } from '../domain/pipeline-config/model';
import type { EnvironmentTarget } from './orchestrator';

export interface PlanStep {
  percent: number;
  target: EnvironmentTarget;
  /** Whether health is watched for a window after this step (the rollback fast path does not). */
  analyze: boolean;
}

export interface RolloutPlan {
  steps: PlanStep[];
  /** The environment once the rollout succeeded. */
  final: EnvironmentTarget;
  /** The environment after a rollback: the old version alone; null when there is none (first deploy: stop). */
  rollback: EnvironmentTarget | null;
}

export interface PlanInput {
  strategy: DeployStrategy;
  /** Canary percentages (ascending, ending at 100). */
  steps: number[];
  instances: number;
  /** The version serving now; null on a first deploy. */
  current: string | null;
  next: string;
  /** One-click rollback: straight to 100 %, no window. */
  fast?: boolean;
}

function alone(version: string, instances: number): EnvironmentTarget {
  return { instances: { [version]: instances }, weights: { [version]: 100 } };
}

export function planRollout(p: PlanInput): RolloutPlan {
  const n = p.instances;
  const next = p.next;
  const old = p.current === next ? null : p.current;
  const rollback = old === null ? null : alone(old, n);
  if (old === null || p.fast) {
    const target = alone(next, n);
    return { steps: [{ percent: 100, target, analyze: !p.fast }], final: target, rollback };
  }
  switch (p.strategy) {
    case 'canary':
      return {
        steps: p.steps.map((percent) => ({
          percent,
          analyze: true,
          target: { instances: { [old]: n, [next]: n }, weights: { [old]: 100 - percent, [next]: percent } },
        })),
        final: alone(next, n),
        rollback,
      };
    case 'blue_green': {
      // Both colours run; all traffic moves at once, and the old colour stays up for an instant switch back.
      const both: EnvironmentTarget = { instances: { [old]: n, [next]: n }, weights: { [old]: 0, [next]: 100 } };
      return { steps: [{ percent: 100, target: both, analyze: true }], final: both, rollback };
    }
    case 'rolling': {
      const steps: PlanStep[] = [];
      for (let i = 1; i <= n; i++) {
        const instances = i < n ? { [old]: n - i, [next]: i } : { [next]: n };
        const weights = i < n ? { [old]: n - i, [next]: i } : { [next]: 100 };
        steps.push({ percent: Math.round((100 * i) / n), analyze: true, target: { instances, weights } });
      }
      return { steps, final: steps[steps.length - 1]!.target, rollback };
    }
  }
}
