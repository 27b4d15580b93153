import { describe, expect, it } from 'vitest';
import { planRollout } from './strategy-plan';

const base = { steps: [100], instances: 2, current: 'old', next: 'new' };

describe('planRollout', () => {
  it('moves canary traffic through its steps with both versions running, then keeps only the new one', () => {
    const plan = planRollout({ ...base, strategy: 'canary', steps: [10, 50, 100] });
    expect(plan.steps.map((s) => [s.percent, s.target.weights])).toEqual([
      [10, { old: 90, new: 10 }],
      [50, { old: 50, new: 50 }],
      [100, { old: 0, new: 100 }],
    ]);
    expect(plan.steps.every((s) => s.target.instances.old === 2 && s.target.instances.new === 2)).toBe(true);
    expect(plan.final).toEqual({ instances: { new: 2 }, weights: { new: 100 } });
    expect(plan.rollback).toEqual({ instances: { old: 2 }, weights: { old: 100 } });
  });

  it('replaces rolling instances one at a time, traffic following the instances', () => {
    const plan = planRollout({ ...base, strategy: 'rolling', instances: 3 });
    expect(plan.steps.map((s) => [s.percent, s.target.instances])).toEqual([
      [33, { old: 2, new: 1 }],
      [67, { old: 1, new: 2 }],
      [100, { new: 3 }],
    ]);
    expect(plan.steps[0]!.target.weights).toEqual({ old: 2, new: 1 });
  });

  it('switches blue-green at once and keeps the old colour up', () => {
    const plan = planRollout({ ...base, strategy: 'blue_green' });
    expect(plan.steps).toHaveLength(1);
    expect(plan.final).toEqual({ instances: { old: 2, new: 2 }, weights: { old: 0, new: 100 } });
  });

  it('starts a first deploy at 100 %, with nothing to roll back to', () => {
    const plan = planRollout({ ...base, strategy: 'canary', steps: [10, 100], current: null });
    expect(plan.steps).toEqual([
      { percent: 100, analyze: true, target: { instances: { new: 2 }, weights: { new: 100 } } },
    ]);
    expect(plan.rollback).toBeNull();
  });

  it('takes the fast path of a rollback: one step, no window', () => {
    const plan = planRollout({ ...base, strategy: 'canary', steps: [10, 50, 100], fast: true });
    expect(plan.steps).toEqual([
      { percent: 100, analyze: false, target: { instances: { new: 2 }, weights: { new: 100 } } },
    ]);
  });
});
