import { describe, expect, it } from 'vitest';
import { formatRate, formatTestDuration, formatTimeLost, testTitle } from './format';

describe('test figures', () => {
  it('formats flake rates', () => {
    expect([0, 0.0004, 0.005, 0.125, 0.5, 1].map(formatRate)).toEqual(['0%', '<0.1%', '0.5%', '13%', '50%', '100%']);
    expect(formatRate(0.02)).toBe('2%');
  });

  it('formats durations', () => {
    expect([null, 0, 850, 2300, 65_000].map(formatTestDuration)).toEqual(['—', '0 ms', '850 ms', '2.3 s', '65 s']);
  });

  it('formats time lost, in minutes once it is long', () => {
    expect([0, 350, 4200, 185_000].map(formatTimeLost)).toEqual(['—', '350 ms', '4.2 s', '3m 05s']);
  });

  it('names a test by suite and name unless the name already starts with the suite', () => {
    expect(testTitle({ suite: 'tests.test_db', name: 'test_connects' })).toBe('tests.test_db › test_connects');
    expect(testTitle({ suite: 'cart', name: 'cart adds an item' })).toBe('cart adds an item');
    expect(testTitle({ suite: '', name: 'alone' })).toBe('alone');
  });
});
