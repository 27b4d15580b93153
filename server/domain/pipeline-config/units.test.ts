// The small parsers the config reader builds on.
import { describe, expect, it } from 'vitest';
import { checkCron } from './cron';
import { formatDuration, parseDuration } from './duration';
import { closest, editDistance } from './suggest';

describe('durations', () => {
  it.each([
    ['90s', 90],
    ['10m', 600],
    ['1h30m', 5400],
    ['7d', 604_800],
    ['1d2h3m4s', 93_784],
    ['0s', 0],
  ])('%s is %i seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', '10', '1.5h', '30m1h', '1h1h', '10 m', '-5s', '1w', `${'9'.repeat(30)}d`])('refuses %j', (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });

  it('spells durations back in the shortest form', () => {
    expect([0, 90, 5400, 90_000, 604_800].map(formatDuration)).toEqual(['0s', '1m30s', '1h30m', '1d1h', '7d']);
  });
});

describe('cron', () => {
  it.each([
    '* * * * *',
    '0 3 * * *',
    '*/5 9-17 * * MON-FRI',
    '0 0 1,15 * *',
    '0 12 * JAN,jul 0',
    '30 2 * * 7',
    '0-30/10 * 31 12 6',
  ])('accepts %s', (expr) => {
    expect(checkCron(expr)).toBeUndefined();
  });

  it.each([
    ['* * * *', 0, 'has 4'],
    ['61 * * * *', 0, "minute '61'"],
    ['* * * * 8', 8, "day of week '8'"],
    ['* 1-2-3 * * *', 2, "'1-2-3' is not a range"],
    ['* * */x * *', 4, 'step'],
    ['* * * FOO *', 6, "month 'FOO'"],
  ])('refuses %s at index %i', (expr, index, part) => {
    const problem = checkCron(expr);
    expect(problem?.index).toBe(index);
    expect(problem?.message).toContain(part);
  });
});

describe('suggestions', () => {
  it('counts a swap of neighbouring letters as one edit', () => {
    expect(editDistance('scirpt', 'script')).toBe(1);
    expect(editDistance('stage', 'stages')).toBe(1);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests only what is close enough to be a typo', () => {
    expect(closest('timout', ['timeout', 'stage'])).toBe('timeout');
    expect(closest('Script', ['script'])).toBe('script');
    expect(closest('xyz', ['stage', 'script'])).toBeUndefined();
    expect(closest('a', ['b'])).toBeUndefined();
    expect(closest('PR', ['pr'])).toBe('pr');
    expect(closest('stge', ['stage'])).toBe('stage');
  });
});
