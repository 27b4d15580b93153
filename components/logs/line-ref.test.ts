import { describe, expect, it } from 'vitest';
import { formatLineHash, parseLineHash, selectLine } from './line-ref';
import { formatClock } from './format-clock';

describe('line hashes', () => {
  it('reads one line and a range, in either order', () => {
    expect(parseLineHash('#L12')).toEqual({ from: 12, to: 12 });
    expect(parseLineHash('#L20-L12')).toEqual({ from: 12, to: 20 });
  });

  it('ignores hashes that point at no line', () => {
    for (const hash of ['', '#', '#L', '#L0', '#Lx', '#line-3', '#L3-', 'L3']) expect(parseLineHash(hash)).toBeNull();
  });

  it('writes what it reads', () => {
    expect(formatLineHash({ from: 7, to: 7 })).toBe('#L7');
    expect(formatLineHash({ from: 7, to: 9 })).toBe('#L7-L9');
    expect(parseLineHash(formatLineHash({ from: 7, to: 9 }))).toEqual({ from: 7, to: 9 });
  });
});

describe('selectLine', () => {
  it('selects the clicked line alone without shift', () => {
    expect(selectLine({ from: 3, to: 8 }, 5, false)).toEqual({ from: 5, to: 5 });
    expect(selectLine(null, 5, true)).toEqual({ from: 5, to: 5 });
  });

  it('extends from the selection with shift, either way', () => {
    expect(selectLine({ from: 5, to: 5 }, 9, true)).toEqual({ from: 5, to: 9 });
    expect(selectLine({ from: 5, to: 9 }, 2, true)).toEqual({ from: 2, to: 9 });
    expect(selectLine({ from: 5, to: 9 }, 12, true)).toEqual({ from: 5, to: 12 });
  });
});

describe('formatClock', () => {
  it('shows local time with milliseconds', () => {
    expect(formatClock(new Date(2026, 11, 4, 9, 5, 7, 89).toISOString())).toBe('09:05:07.089');
  });

  it('passes through what is no date', () => {
    expect(formatClock('soon')).toBe('soon');
  });
});
