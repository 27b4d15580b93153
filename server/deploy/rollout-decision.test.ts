import { describe, expect, it } from 'vitest';
import { analyzeHealth } from './health-analysis';
import { apply, decide, type RolloutState } from './rollout-decision';

const health = { maxErrorRate: 0.02, maxP99Ms: 500 };
const good = analyzeHealth({ requests: 500, errors: 1, p99Ms: 80 }, health);
const bad = analyzeHealth({ requests: 500, errors: 50, p99Ms: 80 }, health);
const quiet = analyzeHealth({ requests: 2, errors: 0, p99Ms: 10 }, health);

describe('rollout decisions', () => {
  it('walks a good canary 10 → 50 → 100 and finishes', () => {
    let state: RolloutState = { steps: [10, 50, 100], step: 0, inconclusive: 0 };
    const seen: string[] = [];
    for (;;) {
      const d = decide(state, good);
      seen.push(d.kind === 'advance' ? `advance ${d.percent}` : d.kind);
      if (d.kind !== 'advance') break;
      state = apply(state, d);
    }
    expect(seen).toEqual(['advance 50', 'advance 100', 'done']);
  });

  it('rolls back at the first failing window, saying where and why', () => {
    const d = decide({ steps: [10, 50, 100], step: 1, inconclusive: 0 }, bad);
    expect(d).toEqual({ kind: 'rollback', reason: 'at 50 % of traffic: error rate 10 % is over 2 % (50 of 500)' });
  });

  it('waits on too little traffic, then rolls back when it never becomes judgeable', () => {
    let state: RolloutState = { steps: [10, 100], step: 0, inconclusive: 0 };
    const kinds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const d = decide(state, quiet, 3);
      kinds.push(d.kind);
      state = apply(state, d);
    }
    expect(kinds.slice(0, 3)).toEqual(['wait', 'wait', 'rollback']);
    // A healthy window after waiting moves on and clears the count.
    const waited = apply(
      { steps: [10, 100], step: 0, inconclusive: 0 },
      decide({ steps: [10, 100], step: 0, inconclusive: 0 }, quiet),
    );
    expect(apply(waited, decide(waited, good))).toEqual({ steps: [10, 100], step: 1, inconclusive: 0 });
  });

  it('finishes a single-step rollout (rolling, blue-green) on one healthy window', () => {
    expect(decide({ steps: [100], step: 0, inconclusive: 0 }, good).kind).toBe('done');
  });
});
