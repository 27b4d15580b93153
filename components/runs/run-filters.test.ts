import { describe, expect, it } from 'vitest';
import { filtersFromParams, paramsFromFilters } from './run-filters';

describe('run filters in the URL', () => {
  it('round-trips and drops unknown values', () => {
    const f = filtersFromParams(new URLSearchParams('repo=acme%2Fweb&status=failed&trigger=bogus&branch='));
    expect(f).toEqual({ repo: 'acme/web', status: 'failed', branch: undefined, trigger: undefined, cursor: undefined });
    expect(paramsFromFilters(f)).toBe('?repo=acme%2Fweb&status=failed');
    expect(paramsFromFilters({})).toBe('');
  });
});
