import { describe, expect, it } from 'vitest';
import { resolveDag } from './graph';
import { countCrossings, DEFAULT_LAYOUT, layoutDag, layoutKey, type DagLayout } from './layout';
import { dagJob, generateRun } from './testing';
import type { DagInput } from './types';

const { columnWidth, columnGap, nodeHeight, rowGap, headerHeight } = DEFAULT_LAYOUT;
const step = columnWidth + columnGap;

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

function crossingsOf(input: DagInput, layout: DagLayout) {
  const columnOf = new Map(layout.nodes.map((n) => [n.id, n.stageIndex]));
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

  it('lays out 300+ jobs quickly', () => {
    const input = generateRun(320, 10);
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
