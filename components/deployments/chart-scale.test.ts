import { describe, expect, it } from 'vitest';
import { niceCeil, plannedSlots } from './chart-scale';

describe('plannedSlots', () => {
  it('lists every canary step before the rollout moves traffic', () => {
    expect(plannedSlots([], [25, 100], 0)).toEqual([25, 100]);
  });
  it('counts the step under way until its window is recorded', () => {
    expect(plannedSlots([], [25, 100], 25)).toEqual([25, 100]);
    expect(plannedSlots([25], [25, 100], 25)).toEqual([100]);
    expect(plannedSlots([25], [25, 100], 100)).toEqual([100]);
    expect(plannedSlots([25, 100], [25, 100], 100)).toEqual([]);
  });
  it('follows a first deploy straight to 100 % and a rolling update by instance', () => {
    expect(plannedSlots([], [25, 100], 100)).toEqual([100]);
    expect(plannedSlots([], [100], 50)).toEqual([50, 100]);
  });
});

describe('niceCeil', () => {
  it('rounds up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceCeil(0.03, 0.01)).toBeCloseTo(0.05);
    expect(niceCeil(0.02, 0.01)).toBeCloseTo(0.02);
    expect(niceCeil(612, 50)).toBe(1000);
    expect(niceCeil(230, 50)).toBe(250);
    expect(niceCeil(3, 50)).toBe(50);
  });
});
