import { describe, expect, it } from 'vitest';
import { advance, type AdvanceJob } from './advance';
import { rollupRun, rollupStage } from './status';

const job = (
  name: string,
  status: AdvanceJob['status'],
  needs: string[] = [],
  extra: Partial<AdvanceJob> = {},
): AdvanceJob => ({
  name,
  status,
  needs,
  when: 'on_success',
  allowFailure: false,
  ...extra,
});

describe('advance', () => {
  it('queues jobs without needs and waits on the rest', () => {
    const d = advance([job('a', 'pending'), job('b', 'pending', ['a'])]);
    expect(d).toEqual([{ name: 'a', to: 'queued', reason: 'nothing to wait for' }]);
  });

  it('queues a job once all its needs succeeded', () => {
    const d = advance([job('a', 'success'), job('b', 'running'), job('c', 'pending', ['a', 'b'])]);
    expect(d).toEqual([]);
    expect(advance([job('a', 'success'), job('b', 'success'), job('c', 'pending', ['a', 'b'])])).toMatchObject([
      { name: 'c', to: 'queued' },
    ]);
  });

  it('skips dependents of a failure at once, transitively, even while other needs still run', () => {
    const d = advance([
      job('a', 'failed'),
      job('b', 'running'),
      job('c', 'pending', ['a', 'b']),
      job('d', 'pending', ['c']),
    ]);
    expect(d).toEqual([
      { name: 'c', to: 'skipped', reason: 'a failed' },
      { name: 'd', to: 'skipped', reason: 'c was skipped' },
    ]);
  });

  it('lets allow_failure jobs fail without blocking what follows', () => {
    const d = advance([job('lint', 'failed', [], { allowFailure: true }), job('next', 'pending', ['lint'])]);
    expect(d).toMatchObject([{ name: 'next', to: 'queued' }]);
  });

  it('runs `always` jobs after everything they need finished, whatever happened', () => {
    const jobs = [job('a', 'failed'), job('b', 'running'), job('cleanup', 'pending', ['a', 'b'], { when: 'always' })];
    expect(advance(jobs)).toEqual([]);
    jobs[1]!.status = 'success';
    expect(advance(jobs)).toMatchObject([{ name: 'cleanup', to: 'queued' }]);
  });

  it('runs `on_failure` jobs only when something they need failed', () => {
    expect(advance([job('a', 'failed'), job('alert', 'pending', ['a'], { when: 'on_failure' })])).toMatchObject([
      { name: 'alert', to: 'queued', reason: 'a failed' },
    ]);
    expect(advance([job('a', 'success'), job('alert', 'pending', ['a'], { when: 'on_failure' })])).toMatchObject([
      { name: 'alert', to: 'skipped' },
    ]);
  });

  it('puts manual jobs in `manual` when their needs pass', () => {
    expect(advance([job('a', 'success'), job('ship', 'pending', ['a'], { when: 'manual' })])).toMatchObject([
      { name: 'ship', to: 'manual' },
    ]);
    expect(advance([job('a', 'failed'), job('ship', 'pending', ['a'], { when: 'manual' })])).toMatchObject([
      { name: 'ship', to: 'skipped' },
    ]);
  });
});

describe('roll-ups', () => {
  const r = (status: AdvanceJob['status'], allowFailure = false) => ({ status, allowFailure });

  it('fails a run as soon as a job fails, even while others run', () => {
    expect(rollupRun([r('failed'), r('running')])).toBe('failed');
    expect(rollupRun([r('failed', true), r('success')])).toBe('success');
    expect(rollupRun([r('success'), r('running')])).toBe('running');
    expect(rollupRun([r('success'), r('manual')])).toBe('success');
    expect(rollupRun([r('success'), r('cancelled')])).toBe('cancelled');
  });

  it('rolls a stage up by priority', () => {
    expect(rollupStage([r('success'), r('queued')])).toBe('running');
    expect(rollupStage([r('failed'), r('success')])).toBe('failed');
    expect(rollupStage([r('failed', true), r('success')])).toBe('success');
    expect(rollupStage([r('pending'), r('success')])).toBe('pending');
    expect(rollupStage([r('skipped'), r('skipped')])).toBe('skipped');
  });
});
