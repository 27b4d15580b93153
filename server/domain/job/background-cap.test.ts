import { describe, expect, it } from 'vitest';
import { jobQueue } from '../../queue/queues';
import { backgroundCap } from './claim';

describe('backgroundCap', () => {
  it('leaves the reserve free for push and PR runs', () => {
    expect(backgroundCap(3, 1)).toBe(2);
    expect(backgroundCap(10, 2)).toBe(8);
    expect(backgroundCap(4, 0)).toBe(4);
  });

  it('still runs background work on a pool too small for a reserve', () => {
    expect(backgroundCap(1, 1)).toBe(1);
    expect(backgroundCap(2, 5)).toBe(1);
    expect(backgroundCap(0, 1)).toBe(1);
  });
});

describe('jobQueue', () => {
  it('sends scheduled runs (priority 0) to the background queue, push/PR/manual (10) to the pool', () => {
    expect(jobQueue('default', 0)).toBe('pool.default.background');
    expect(jobQueue('default', 10)).toBe('pool.default');
    expect(jobQueue('gpu', 20)).toBe('pool.gpu');
  });
});
