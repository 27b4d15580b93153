import { describe, expect, it } from 'vitest';
import { criticalPath, jobDurationMs } from './critical-path';
import { layoutDag } from './layout';
import { dagJob, generateRun } from './testing';
import type { DagJob } from './types';

const t0 = Date.UTC(2026, 0, 1, 12);
const at = (s: number) => new Date(t0 + s * 1000);
const now = at(1000);

/** A finished job that ran from second `from` for `seconds`. */
function ran(name: string, stage: string, from: number, seconds: number, fields: Partial<DagJob> = {}): DagJob {
  return dagJob(name, stage, { status: 'success', startedAt: at(from), finishedAt: at(from + seconds), ...fields });
}

function pathOf(jobs: DagJob[], stages = ['a', 'b', 'c', 'd']) {
  const path = criticalPath({ stages, jobs }, now);
  return { jobs: [...path.jobIds].sort(), edges: [...path.edgeIds].sort(), seconds: path.totalMs / 1000 };
}

describe('criticalPath', () => {
  it('follows the chain of needs with the longest total duration', () => {
    expect(
      pathOf([
        ran('quick', 'a', 0, 10),
        ran('slow', 'a', 0, 100),
        ran('left', 'b', 100, 30, { needs: ['quick'] }),
        ran('right', 'b', 100, 20, { needs: ['slow'] }),
        ran('end', 'c', 130, 5, { needs: ['left', 'right'] }),
      ]),
    ).toEqual({ jobs: ['end', 'right', 'slow'], edges: ['right->end', 'slow->right'], seconds: 125 });
  });

  it('counts a running job until now', () => {
    expect(
      pathOf([
        ran('build', 'a', 0, 50),
        dagJob('test', 'b', { status: 'running', startedAt: at(900), needs: ['build'] }),
        ran('lint', 'b', 0, 120),
      ]),
    ).toEqual({ jobs: ['build', 'test'], edges: ['build->test'], seconds: 150 });
  });

  it('weighs jobs without timing as the median of the known durations', () => {
    expect(
      pathOf([
        ran('a1', 'a', 0, 10),
        ran('a2', 'a', 0, 20),
        ran('a3', 'a', 0, 30),
        dagJob('next', 'b', { needs: ['a1'] }),
        dagJob('after', 'c', { needs: ['next'] }),
      ]),
    ).toEqual({ jobs: ['a1', 'after', 'next'], edges: ['a1->next', 'next->after'], seconds: 50 });
  });

  it('uses the mean of the middle two for an even count and accepts ISO strings', () => {
    const iso = (s: number) => at(s).toISOString();
    expect(
      pathOf([
        dagJob('x', 'a', { startedAt: iso(0), finishedAt: iso(10), status: 'success' }),
        dagJob('y', 'a', { startedAt: iso(0), finishedAt: iso(30), status: 'failed' }),
        dagJob('z', 'b', { needs: ['y'] }),
      ]).seconds,
    ).toBe(50);
  });

  it('is empty when nothing has a duration', () => {
    const path = criticalPath({ stages: ['a'], jobs: [dagJob('one', 'a'), dagJob('two', 'a')] }, now);
    expect(path).toEqual({ jobIds: new Set(), edgeIds: new Set(), totalMs: 0 });
    expect(criticalPath({ stages: [], jobs: [] }, now).totalMs).toBe(0);
  });

  it('picks the earlier name on a tie', () => {
    expect(
      pathOf([ran('beta', 'a', 0, 10), ran('alpha', 'a', 0, 10), ran('c', 'b', 10, 1, { needs: ['beta', 'alpha'] })]),
    ).toEqual({ jobs: ['alpha', 'c'], edges: ['alpha->c'], seconds: 11 });
  });

  it('ignores missing needs and survives a cycle', () => {
    expect(pathOf([ran('solo', 'a', 0, 5, { needs: ['ghost'] })])).toEqual({ jobs: ['solo'], edges: [], seconds: 5 });
    const cyclic = pathOf([
      ran('p', 'a', 0, 5, { needs: ['q'] }),
      ran('q', 'a', 0, 5, { needs: ['p'] }),
      ran('r', 'b', 0, 2),
    ]);
    expect(cyclic).toEqual({ jobs: ['r'], edges: [], seconds: 2 });
  });

  it('uses the layout’s edge ids', () => {
    const input = generateRun(200);
    const path = criticalPath(input, new Date(Date.UTC(2026, 0, 1, 13)));
    const layoutEdges = new Set(layoutDag(input).edges.map((e) => e.id));
    expect(path.edgeIds.size).toBeGreaterThan(0);
    for (const id of path.edgeIds) expect(layoutEdges).toContain(id);
  });
});

describe('jobDurationMs', () => {
  it('is finished − started, until now while running, and null without timing', () => {
    expect(jobDurationMs(ran('x', 'a', 10, 65), now)).toBe(65_000);
    expect(jobDurationMs(dagJob('x', 'a', { status: 'running', startedAt: at(990) }), now)).toBe(10_000);
    expect(jobDurationMs(dagJob('x', 'a', { status: 'cancelled', startedAt: at(990) }), now)).toBeNull();
    expect(jobDurationMs(dagJob('x', 'a', { status: 'skipped', finishedAt: at(990) }), now)).toBeNull();
    expect(jobDurationMs(dagJob('x', 'a', { startedAt: 'not a date', finishedAt: at(1) }), now)).toBeNull();
  });
});
