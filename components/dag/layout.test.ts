import { describe, expect, it } from 'vitest';
import { resolveDag } from './graph';
import { countCrossings, DEFAULT_LAYOUT, layoutDag, layoutKey, type DagLayout } from './layout';
import { dagJob, generateRun } from './testing';
import type { DagInput } from './types';

const { columnWidth, columnGap, subColumnGap, nodeHeight, rowGap, headerHeight } = DEFAULT_LAYOUT;
const step = columnWidth + columnGap;
const subStep = columnWidth + subColumnGap;

function positions(layout: DagLayout) {
  return Object.fromEntries(
    layout.nodes.map((n) => [n.id, [n.stageIndex, (n.y - headerHeight) / (nodeHeight + rowGap)]]),
  );
}

/** Job ids of a column, top to bottom. */
function column(layout: DagLayout, index: number) {
  return layout.nodes
    .filter((n) => n.stageIndex === index)
    .sort((a, b) => a.y - b.y)
    .map((n) => n.id);
}

function node(layout: DagLayout, id: string) {
  return layout.nodes.find((n) => n.id === id)!;
}

function stageColumn(layout: DagLayout, stage: string) {
  return layout.columns.find((c) => c.stage === stage)!;
}

/** Whether the node lies within its stage's column header, left edge to right edge. */
function insideColumn(layout: DagLayout, id: string) {
  const n = node(layout, id);
  const c = layout.columns[n.stageIndex]!;
  return n.x >= c.x && n.x + n.width <= c.x + c.width;
}

/** Crossings between the layout's (sub-)columns: a node's x names its column. */
function crossingsOf(input: DagInput, layout: DagLayout) {
  const columnOf = new Map(layout.nodes.map((n) => [n.id, n.x]));
  const row = new Map(layout.nodes.map((n) => [n.id, n.y]));
  return countCrossings(resolveDag(input).edges, columnOf, row);
}

describe('layoutDag', () => {
  const run: DagInput = {
    stages: ['build', 'test', 'deploy'],
    jobs: [
      dagJob('compile', 'build'),
      dagJob('assets', 'build'),
      dagJob('unit', 'test', { needs: ['compile'] }),
      dagJob('e2e', 'test', { needs: ['compile', 'assets'] }),
      dagJob('ship', 'deploy', { needs: ['unit', 'e2e'] }),
    ],
  };

  it('puts stages in columns left to right and stacks jobs within them', () => {
    const layout = layoutDag(run);
    expect(layout.columns).toEqual([
      { stage: 'build', x: 0, width: columnWidth },
      { stage: 'test', x: step, width: columnWidth },
      { stage: 'deploy', x: 2 * step, width: columnWidth },
    ]);
    expect(positions(layout)).toEqual({
      assets: [0, 0],
      compile: [0, 1],
      e2e: [1, 0],
      unit: [1, 1],
      ship: [2, 0],
    });
    for (const n of layout.nodes) {
      expect(n.x).toBe(n.stageIndex * step);
      expect([n.width, n.height]).toEqual([columnWidth, nodeHeight]);
    }
    expect(layout.width).toBe(3 * columnWidth + 2 * columnGap);
    expect(layout.height).toBe(headerHeight + 2 * nodeHeight + rowGap);
  });

  it('makes one edge per need, from the needed job, with ids `${source}->${target}`', () => {
    expect(layoutDag(run).edges).toEqual([
      { id: 'assets->e2e', source: 'assets', target: 'e2e' },
      { id: 'compile->e2e', source: 'compile', target: 'e2e' },
      { id: 'compile->unit', source: 'compile', target: 'unit' },
      { id: 'e2e->ship', source: 'e2e', target: 'ship' },
      { id: 'unit->ship', source: 'unit', target: 'ship' },
    ]);
  });

  it('uses job ids for nodes and edges while needs name jobs', () => {
    const layout = layoutDag({
      stages: ['a', 'b'],
      jobs: [dagJob('first', 'a', { id: 'j1' }), dagJob('second', 'b', { id: 'j2', needs: ['first'] })],
    });
    expect(layout.nodes.map((n) => n.id)).toEqual(['j1', 'j2']);
    expect(layout.edges).toEqual([{ id: 'j1->j2', source: 'j1', target: 'j2' }]);
  });

  it('orders a column by the rows of the jobs it needs, removing crossings name order would make', () => {
    const input: DagInput = {
      stages: ['one', 'two'],
      jobs: [
        dagJob('a', 'one'),
        dagJob('b', 'one'),
        dagJob('c', 'one'),
        dagJob('x', 'two', { needs: ['c'] }),
        dagJob('y', 'two', { needs: ['b'] }),
        dagJob('z', 'two', { needs: ['a'] }),
      ],
    };
    const layout = layoutDag(input);
    expect(crossingsOf(input, layout)).toBe(0);
    expect(column(layout, 0)).toEqual(['a', 'b', 'c']);
    expect(column(layout, 1)).toEqual(['z', 'y', 'x']);
  });

  it('breaks barycenter ties by name', () => {
    const layout = layoutDag({
      stages: ['one', 'two'],
      jobs: [
        dagJob('root', 'one'),
        dagJob('zeta', 'two', { needs: ['root'] }),
        dagJob('alpha', 'two', { needs: ['root'] }),
      ],
    });
    expect(column(layout, 1)).toEqual(['alpha', 'zeta']);
  });

  it('never ends with more crossings than name order', () => {
    const input = generateRun(120, 6, 7);
    const byName: DagLayout = layoutDag(input, { sweeps: 0 });
    expect(crossingsOf(input, layoutDag(input))).toBeLessThan(crossingsOf(input, byName));
  });

  it('does not depend on the order of the input', () => {
    const input = generateRun(60, 5, 3);
    const shuffled = { stages: input.stages, jobs: [...input.jobs].reverse() };
    expect(layoutDag(shuffled)).toEqual(layoutDag(input));
  });

  it('puts jobs of unknown stages in an extra last column', () => {
    const layout = layoutDag({
      stages: ['build'],
      jobs: [dagJob('compile', 'build'), dagJob('stray', 'qa'), dagJob('other', 'lint', { needs: ['compile'] })],
    });
    expect(layout.columns.map((c) => c.stage)).toEqual(['build', 'lint, qa']);
    expect(positions(layout)).toMatchObject({ stray: [1, expect.any(Number)], other: [1, expect.any(Number)] });
  });

  it('ignores needs on missing jobs, on itself and repeated needs', () => {
    const layout = layoutDag({
      stages: ['a', 'b'],
      jobs: [dagJob('one', 'a'), dagJob('two', 'b', { needs: ['ghost', 'two', 'one', 'one'] })],
    });
    expect(layout.edges.map((e) => e.id)).toEqual(['one->two']);
  });

  it('keeps a column for a stage without jobs and lays out an empty run', () => {
    const layout = layoutDag({ stages: ['a', 'empty', 'c'], jobs: [dagJob('x', 'a'), dagJob('y', 'c')] });
    expect(positions(layout)).toEqual({ x: [0, 0], y: [2, 0] });
    expect(layoutDag({ stages: [], jobs: [] })).toEqual({ nodes: [], edges: [], columns: [], width: 0, height: 0 });
  });

  it('keys the memo on the graph shape only', () => {
    const running = generateRun(20);
    const finished = { ...running, jobs: running.jobs.map((j) => ({ ...j, status: 'success' as const })) };
    expect(layoutKey(finished)).toBe(layoutKey(running));
    const rewired = { ...running, jobs: running.jobs.map((j, i) => (i === 19 ? { ...j, needs: [] } : j)) };
    expect(layoutKey(rewired)).not.toBe(layoutKey(running));
  });

  describe('jobs that need jobs of their own stage', () => {
    const deploy: DagInput = {
      stages: ['build', 'deploy', 'verify'],
      jobs: [
        dagJob('compile', 'build'),
        dagJob('deploy-production', 'deploy', { needs: ['deploy-staging'] }),
        dagJob('deploy-staging', 'deploy', { needs: ['compile'] }),
        dagJob('smoke', 'verify', { needs: ['deploy-production'] }),
      ],
    };

    it('puts them in sub-columns of the stage, left to right, on the row of what they need', () => {
      const layout = layoutDag(deploy);
      const staging = node(layout, 'deploy-staging');
      const production = node(layout, 'deploy-production');
      expect(production.x).toBeGreaterThan(staging.x);
      expect(production.x - staging.x).toBe(subStep);
      expect(production.y).toBe(staging.y);
      expect([staging.stageIndex, production.stageIndex]).toEqual([1, 1]);
      expect(insideColumn(layout, 'deploy-staging')).toBe(true);
      expect(insideColumn(layout, 'deploy-production')).toBe(true);
      expect(stageColumn(layout, 'deploy')).toEqual({
        stage: 'deploy',
        x: step,
        width: 2 * columnWidth + subColumnGap,
      });
    });

    it('starts the next stage after the widened column', () => {
      const layout = layoutDag(deploy);
      const widened = stageColumn(layout, 'deploy');
      const verify = stageColumn(layout, 'verify');
      expect(verify.x).toBe(widened.x + widened.width + columnGap);
      expect(node(layout, 'smoke').x).toBe(verify.x);
      expect(node(layout, 'smoke').x).toBeGreaterThan(node(layout, 'deploy-production').x + columnWidth);
      expect(layout.width).toBe(verify.x + columnWidth);
    });

    it('gives a chain of three one sub-column each, in order', () => {
      const layout = layoutDag({
        stages: ['only'],
        jobs: [
          dagJob('a-last', 'only', { needs: ['b-middle'] }),
          dagJob('b-middle', 'only', { needs: ['c-first'] }),
          dagJob('c-first', 'only'),
        ],
      });
      expect(['c-first', 'b-middle', 'a-last'].map((id) => node(layout, id).x)).toEqual([0, subStep, 2 * subStep]);
      expect(new Set(layout.nodes.map((n) => n.y)).size).toBe(1);
      expect(layout.columns).toEqual([{ stage: 'only', x: 0, width: 3 * columnWidth + 2 * subColumnGap }]);
      expect(layout.width).toBe(3 * columnWidth + 2 * subColumnGap);
      expect(layout.height).toBe(headerHeight + nodeHeight);
    });

    it('places a job after the deepest of its same-stage needs', () => {
      const layout = layoutDag({
        stages: ['s'],
        jobs: [dagJob('a', 's'), dagJob('b', 's', { needs: ['a'] }), dagJob('c', 's', { needs: ['a', 'b'] })],
      });
      expect(['a', 'b', 'c'].map((id) => node(layout, id).x)).toEqual([0, subStep, 2 * subStep]);
    });

    it('orders each sub-column by the rows of the jobs it needs', () => {
      const layout = layoutDag({
        stages: ['s'],
        jobs: [
          dagJob('one', 's'),
          dagJob('two', 's'),
          dagJob('after-one', 's', { needs: ['one'] }),
          dagJob('after-two', 's', { needs: ['two'] }),
          dagJob('a-after-two', 's', { needs: ['two'] }),
        ],
      });
      const order = (x: number) =>
        layout.nodes
          .filter((n) => n.x === x)
          .sort((a, b) => a.y - b.y)
          .map((n) => n.id);
      expect(order(0)).toEqual(['one', 'two']);
      expect(order(subStep)).toEqual(['after-one', 'a-after-two', 'after-two']);
    });

    it('survives a needs cycle, never wider than one sub-column per job', () => {
      const layout = layoutDag({
        stages: ['s'],
        jobs: [
          dagJob('a', 's', { needs: ['c'] }),
          dagJob('b', 's', { needs: ['a'] }),
          dagJob('c', 's', { needs: ['b'] }),
        ],
      });
      expect(layout.nodes).toHaveLength(3);
      expect(layout.columns[0]!.width).toBeLessThanOrEqual(3 * columnWidth + 2 * subColumnGap);
      for (const n of layout.nodes) expect(insideColumn(layout, n.id)).toBe(true);
    });

    it('draws every edge of a large run left to right, whatever the input order', () => {
      const input = withSameStageNeeds(generateRun(320, 10, 5));
      const layout = layoutDag(input);
      for (const e of layout.edges) {
        expect(node(layout, e.target).x).toBeGreaterThan(node(layout, e.source).x + columnWidth);
      }
      for (const n of layout.nodes) expect(insideColumn(layout, n.id)).toBe(true);
      const shuffled = { stages: input.stages, jobs: [...input.jobs].reverse() };
      expect(layoutDag(shuffled)).toEqual(layout);
    });
  });

  it('lays out 300+ jobs quickly', () => {
    const input = withSameStageNeeds(generateRun(320, 10));
    layoutDag(input); // warm up the JIT
    const runs = 20;
    const started = performance.now();
    for (let i = 0; i < runs; i++) layoutDag(input);
    const ms = (performance.now() - started) / runs;
    const layout = layoutDag(input);
    console.log(
      `layoutDag: ${input.jobs.length} jobs, ${layout.edges.length} edges in ${ms.toFixed(2)} ms ` +
        `(crossings ${crossingsOf(input, layoutDag(input, { sweeps: 0 }))} → ${crossingsOf(input, layout)})`,
    );
    expect(layout.nodes).toHaveLength(320);
  });
});

/** Every third job also needs the job before it, when that one is in the same stage. */
function withSameStageNeeds(input: DagInput): DagInput {
  const jobs = input.jobs.map((job, i) => {
    const before = input.jobs[i - 1];
    return i % 3 === 0 && before?.stage === job.stage ? { ...job, needs: [...job.needs, before.name] } : job;
  });
  return { stages: input.stages, jobs };
}
