import { describe, expect, it } from 'vitest';
import { criticalPath } from './critical-path';
import { createFlowBuilder, CRITICAL_EDGE_CLASS, stageNodes, type JobNode } from './flow-elements';
import { layoutDag } from './layout';
import { dagJob } from './testing';
import type { DagInput } from './types';

const t0 = Date.UTC(2026, 0, 1, 12);
const now = new Date(t0 + 600_000);

const run: DagInput = {
  stages: ['build', 'test'],
  jobs: [
    dagJob('compile', 'build', { status: 'success', startedAt: new Date(t0), finishedAt: new Date(t0 + 65_000) }),
    dagJob('unit', 'test', { needs: ['compile'], status: 'running', startedAt: new Date(t0 + 70_000) }),
    dagJob('lint', 'test', { status: 'queued', attemptCount: 2, allowFailure: true }),
  ],
};

function build(input: DagInput, builder = createFlowBuilder()) {
  const layout = layoutDag(input);
  return builder(layout, stageNodes(layout, 32), input, criticalPath(input, now));
}

const job = (nodes: ReturnType<typeof build>['nodes'], id: string) =>
  nodes.find((n): n is JobNode => n.type === 'job' && n.id === id)!;

describe('flow elements', () => {
  it('puts stage headers first, then one job node per job with what it shows', () => {
    const { nodes } = build(run);
    expect(nodes.map((n) => `${n.type}:${n.id}`)).toEqual([
      'stage:stage:0',
      'stage:stage:1',
      'job:compile',
      'job:lint',
      'job:unit',
    ]);
    expect(nodes[1]).toMatchObject({ data: { stage: 'test', jobCount: 2 }, selectable: false, focusable: false });
    expect(job(nodes, 'compile').data).toEqual({
      name: 'compile',
      status: 'success',
      startedAtMs: t0,
      finishedAtMs: t0 + 65_000,
      attemptCount: 1,
      allowFailure: false,
      critical: true,
    });
    expect(job(nodes, 'lint').data).toMatchObject({ attemptCount: 2, allowFailure: true, critical: false });
  });

  it('marks critical-path edges with the class and draws them on top', () => {
    const { edges } = build(run);
    expect(edges).toEqual([
      {
        id: 'compile->unit',
        source: 'compile',
        target: 'unit',
        type: 'smoothstep',
        zIndex: 1,
        className: CRITICAL_EDGE_CLASS,
      },
    ]);
  });

  it('reuses the objects of jobs and edges that did not change', () => {
    const builder = createFlowBuilder();
    const first = build(run, builder);
    const next: DagInput = {
      ...run,
      jobs: run.jobs.map((j) =>
        j.name === 'lint' ? { ...j, status: 'running', startedAt: new Date(t0 + 500_000) } : j,
      ),
    };
    const second = build(next, builder);
    expect(second.nodes).not.toBe(first.nodes);
    expect(job(second.nodes, 'compile')).toBe(job(first.nodes, 'compile'));
    expect(job(second.nodes, 'unit')).toBe(job(first.nodes, 'unit'));
    expect(job(second.nodes, 'lint')).not.toBe(job(first.nodes, 'lint'));
    expect(job(second.nodes, 'lint').data.status).toBe('running');
    expect(second.edges[0]).toBe(first.edges[0]);
  });
});
