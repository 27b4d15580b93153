import { describe, expect, it } from 'vitest';
import { canaryWeights, TrafficSplit } from './traffic-split';

function count<T>(split: TrafficSplit<T>, n: number): Map<T, number> {
  const seen = new Map<T, number>();
  for (let i = 0; i < n; i++) {
    const t = split.next();
    seen.set(t, (seen.get(t) ?? 0) + 1);
  }
  return seen;
}

describe('TrafficSplit', () => {
  it('sends exactly the canary percentage over every 100 requests', () => {
    for (const percent of [1, 10, 50, 99]) {
      const w = canaryWeights(percent);
      const split = new TrafficSplit([
        { target: 'stable', weight: w.stable },
        { target: 'canary', weight: w.canary },
      ]);
      for (let round = 0; round < 5; round++) expect(count(split, 100).get('canary') ?? 0).toBe(percent);
    }
  });

  it('spreads the canary’s requests instead of sending them in a burst', () => {
    const split = new TrafficSplit([
      { target: 'stable', weight: 90 },
      { target: 'canary', weight: 10 },
    ]);
    const picks = Array.from({ length: 100 }, () => split.next());
    const at = picks.flatMap((p, i) => (p === 'canary' ? [i] : []));
    const gaps = at.slice(1).map((x, i) => x - at[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(10);
  });

  it('serves only weighted backends, and refuses nonsense', () => {
    expect(
      count(
        new TrafficSplit([
          { target: 'a', weight: 0 },
          { target: 'b', weight: 3 },
        ]),
        30,
      ).get('a'),
    ).toBeUndefined();
    expect(() => new TrafficSplit([])).toThrow();
    expect(() => new TrafficSplit([{ target: 'a', weight: 0 }])).toThrow();
    expect(() => canaryWeights(150)).toThrow(/not a traffic percentage/);
  });
});
