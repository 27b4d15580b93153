import { describe, expect, it } from 'vitest';
import { OrchestratorError } from '../orchestrator';
import { procfileWeb } from './releases';
import { planTarget } from './target';

const prepared = new Set(['v1', 'v2']);

describe('planTarget', () => {
  it('starts what is missing and stops the surplus, per version', () => {
    const plan = planTarget(
      'prod',
      { instances: { v1: 1, v2: 2 }, weights: { v1: 1, v2: 2 } },
      new Map([['v1', 3]]),
      prepared,
    );
    expect(plan).toEqual([
      { version: 'v1', count: 1, weight: 1, start: 0, stop: 2 },
      { version: 'v2', count: 2, weight: 2, start: 2, stop: 0 },
    ]);
  });

  it('stops a version left out, and gives a running version without a weight none', () => {
    const plan = planTarget('prod', { instances: { v2: 2 }, weights: { v2: 100 } }, new Map([['v1', 2]]), prepared);
    expect(plan).toEqual([
      { version: 'v1', count: 0, weight: 0, start: 0, stop: 2 },
      { version: 'v2', count: 2, weight: 100, start: 2, stop: 0 },
    ]);
    const warm = planTarget('prod', { instances: { v1: 1, v2: 1 }, weights: { v1: 1 } }, new Map(), prepared);
    expect(warm.find((p) => p.version === 'v2')?.weight).toBe(0);
  });

  it('accepts a zero weight for a version without instances', () => {
    const plan = planTarget('prod', { instances: { v2: 1 }, weights: { v1: 0, v2: 1 } }, new Map(), prepared);
    expect(plan).toEqual([{ version: 'v2', count: 1, weight: 1, start: 1, stop: 0 }]);
  });

  it('stops everything on the empty target', () => {
    const plan = planTarget('prod', { instances: {}, weights: {} }, new Map([['v1', 2]]), prepared);
    expect(plan).toEqual([{ version: 'v1', count: 0, weight: 0, start: 0, stop: 2 }]);
  });

  it('lists every problem of a target', () => {
    const bad = () =>
      planTarget('prod', { instances: { v1: 1.5, v3: 1, v2: 0 }, weights: { v2: 10, v1: -1 } }, new Map(), prepared);
    expect(bad).toThrow(OrchestratorError);
    expect(bad).toThrow(
      "cannot apply this target to 'prod': instances of 'v1' must be a whole number ≥ 0, not 1.5; " +
        "version 'v3' is not prepared; 'v2' has weight 10 but no instances; " +
        "the weight of 'v1' must be a number ≥ 0, not -1",
    );
    expect(() => planTarget('prod', { instances: { v1: 1 }, weights: { v1: 0 } }, new Map(), prepared)).toThrow(
      'no version has a weight above 0',
    );
  });
});

describe('procfileWeb', () => {
  it('reads the web process type', () => {
    expect(procfileWeb('worker: node worker.js\nweb:  node server.js --port $PORT \n')).toBe(
      'node server.js --port $PORT',
    );
    expect(procfileWeb('# web: no\nworker: node w.js\n')).toBeUndefined();
  });
});
