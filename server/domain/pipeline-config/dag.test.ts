import { describe, expect, it } from 'vitest';
import { buildDag } from './dag';
import type { PipelineConfig } from './model';
import { configOf, generateConfig, yml } from './testing';

const dagOf = (text: string, durations?: Record<string, number>) => buildDag(configOf(text), { durations });

describe('dependencies', () => {
  const text = yml`
    stages: [build, test, deploy]
    jobs:
      zeta: { stage: build, script: x }
      alpha: { stage: build, script: x }
      unit: { stage: test, script: x }
      lint: { stage: test, script: x, needs: [] }
      e2e: { stage: test, script: x, needs: [unit, alpha] }
      ship: { stage: deploy, script: x }
  `;

  it('orders jobs by stage, then name', () => {
    expect(dagOf(text).jobs.map((j) => j.name)).toEqual(['alpha', 'zeta', 'e2e', 'lint', 'unit', 'ship']);
  });

  it('makes a job without needs wait for every job of every earlier stage', () => {
    const jobs = new Map(dagOf(text).jobs.map((j) => [j.name, j]));
    expect(jobs.get('unit')?.dependsOn).toEqual(['alpha', 'zeta']);
    expect(jobs.get('ship')?.dependsOn).toEqual(['alpha', 'zeta', 'e2e', 'lint', 'unit']);
  });

  it('makes a job with needs wait for exactly those, and needs: [] for nothing', () => {
    const jobs = new Map(dagOf(text).jobs.map((j) => [j.name, j]));
    expect(jobs.get('e2e')?.dependsOn).toEqual(['alpha', 'unit']);
    expect(jobs.get('lint')?.dependsOn).toEqual([]);
    expect(jobs.get('alpha')?.dependsOn).toEqual([]);
  });

  it('lists edges by the job waiting, then the job waited for', () => {
    expect(dagOf(text).edges).toEqual([
      { from: 'alpha', to: 'e2e' },
      { from: 'unit', to: 'e2e' },
      { from: 'alpha', to: 'unit' },
      { from: 'zeta', to: 'unit' },
      { from: 'alpha', to: 'ship' },
      { from: 'zeta', to: 'ship' },
      { from: 'e2e', to: 'ship' },
      { from: 'lint', to: 'ship' },
      { from: 'unit', to: 'ship' },
    ]);
  });

  it('puts each job one level above the highest job it waits for', () => {
    const dag = dagOf(text);
    expect(dag.levels).toEqual([['alpha', 'zeta', 'lint'], ['unit'], ['e2e'], ['ship']]);
    expect(Object.fromEntries(dag.jobs.map((j) => [j.name, [j.stageIndex, j.level]]))).toEqual({
      alpha: [0, 0],
      zeta: [0, 0],
      lint: [1, 0],
      unit: [1, 1],
      e2e: [1, 2],
      ship: [2, 3],
    });
  });

  it('skips stages without jobs when waiting for earlier stages', () => {
    const dag = dagOf('stages: [a, b, c]\njobs: { x: { stage: a, script: x }, y: { stage: c, script: x } }');
    expect(dag.edges).toEqual([{ from: 'x', to: 'y' }]);
  });

  it('is deterministic: the order of jobs in the file does not matter', () => {
    const config = configOf(text);
    const shuffled: PipelineConfig = { ...config, jobs: [...config.jobs].reverse() };
    expect(buildDag(shuffled)).toEqual(buildDag(config));
    expect(JSON.stringify(buildDag(config))).toBe(JSON.stringify(buildDag(configOf(text))));
  });

  it('gives each job its own dependsOn array', () => {
    const dag = dagOf('jobs: { a: { stage: build, script: x }, b: { script: x }, c: { script: x } }');
    const [, b, c] = dag.jobs;
    expect(b?.dependsOn).toEqual(c?.dependsOn);
    expect(b?.dependsOn).not.toBe(c?.dependsOn);
  });
});

describe('critical path', () => {
  const text = yml`
    stages: [build, test, deploy]
    jobs:
      compile: { stage: build, script: x }
      assets: { stage: build, script: x, needs: [] }
      unit: { stage: test, script: x, needs: [compile] }
      e2e: { stage: test, script: x, needs: [compile, assets] }
      slow: { stage: test, script: x, needs: [unit] }
      ship: { stage: deploy, script: x, needs: [slow, e2e] }
  `;

  it('follows the most jobs when no durations are given', () => {
    expect(dagOf(text).criticalPath).toEqual({ jobs: ['compile', 'unit', 'slow', 'ship'], seconds: 0 });
  });

  it('follows the longest time when durations are given', () => {
    const durations = { compile: 60, assets: 300, unit: 30, e2e: 200, slow: 40, ship: 10 };
    expect(dagOf(text, durations).criticalPath).toEqual({ jobs: ['assets', 'e2e', 'ship'], seconds: 510 });
  });

  it('counts a job without history as the median of the others', () => {
    // Median of 60, 30 and 10 is 30: assets and e2e count 30 each.
    const durations = { compile: 60, unit: 30, ship: 10 };
    expect(dagOf(text, durations).criticalPath).toEqual({ jobs: ['compile', 'unit', 'slow', 'ship'], seconds: 130 });
  });

  it('ignores durations that are not usable numbers or name no job', () => {
    const durations = { compile: Number.NaN, unit: -5, ghost: 1000, constructor: 1 } as Record<string, number>;
    expect(dagOf(text, durations).criticalPath).toEqual({ jobs: ['compile', 'unit', 'slow', 'ship'], seconds: 0 });
  });

  it('breaks ties by DAG order', () => {
    const dag = dagOf('jobs: { b: { script: x }, a: { script: x } }');
    expect(dag.criticalPath).toEqual({ jobs: ['a'], seconds: 0 });
  });

  it('is null only without jobs', () => {
    expect(
      buildDag({ stages: ['build'], variables: {}, on: ['push'], branches: null, schedule: null, jobs: [] }),
    ).toEqual({
      jobs: [],
      edges: [],
      levels: [],
      criticalPath: null,
    });
  });
});

describe('a large config', () => {
  it('has every edge going up the levels and every job on exactly one level', () => {
    const dag = buildDag(configOf(generateConfig(500)));
    expect(dag.jobs).toHaveLength(500);
    expect(dag.levels.flat().sort()).toEqual(dag.jobs.map((j) => j.name).sort());
    const level = new Map(dag.jobs.map((j) => [j.name, j.level]));
    for (const e of dag.edges) expect(level.get(e.from)!).toBeLessThan(level.get(e.to)!);
    expect(dag.criticalPath?.jobs.length).toBe(dag.levels.length);
  });
});
