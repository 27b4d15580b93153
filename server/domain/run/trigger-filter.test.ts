import { describe, expect, it } from 'vitest';
import { globToRegExp } from '../../contracts/glob';
import { shouldRun } from './trigger-filter';

describe('branch globs', () => {
  it('matches * within a segment and ** across segments', () => {
    expect(globToRegExp('release/*').test('release/1.2')).toBe(true);
    expect(globToRegExp('release/*').test('release/1/2')).toBe(false);
    expect(globToRegExp('feature/**').test('feature/a/b')).toBe(true);
    expect(globToRegExp('main').test('main2')).toBe(false);
    expect(globToRegExp('v1.?').test('v1.x')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });
});

describe('shouldRun', () => {
  it('runs push, pr and manual by default, not schedule', () => {
    expect(shouldRun({}, { trigger: 'push', branch: 'main' })).toEqual({ run: true });
    expect(shouldRun({}, { trigger: 'pr', branch: 'x' })).toEqual({ run: true });
    expect(shouldRun({}, { trigger: 'schedule' }).run).toBe(false);
  });

  it('honours `on` and says why not', () => {
    const d = shouldRun({ on: ['push'] }, { trigger: 'pr', branch: 'feature' });
    expect(d).toEqual({ run: false, reason: "the pipeline's `on` (push) does not include pr" });
  });

  it('filters branches for VCS events, not tags, manual runs or schedules', () => {
    const rules = { on: ['push', 'manual', 'schedule'], branches: ['main', 'release/*'] };
    expect(shouldRun(rules, { trigger: 'push', branch: 'release/2' }).run).toBe(true);
    expect(shouldRun(rules, { trigger: 'push', branch: 'feature/x' })).toMatchObject({
      run: false,
      reason: expect.stringContaining('feature/x'),
    });
    expect(shouldRun(rules, { trigger: 'push', tag: 'v1.0.0' }).run).toBe(true);
    expect(shouldRun(rules, { trigger: 'manual', branch: 'feature/x' }).run).toBe(true);
  });
});
