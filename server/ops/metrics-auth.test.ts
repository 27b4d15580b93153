import { describe, expect, it } from 'vitest';
import { metricsAuthorized } from './metrics-auth';

describe('metricsAuthorized', () => {
  it('lets everyone in when no token is configured', () => {
    expect(metricsAuthorized(null, undefined)).toBe(true);
    expect(metricsAuthorized('Bearer anything', undefined)).toBe(true);
  });
  it('requires the exact bearer token when one is configured', () => {
    expect(metricsAuthorized('Bearer s3cret-token', 's3cret-token')).toBe(true);
    expect(metricsAuthorized('bearer s3cret-token', 's3cret-token')).toBe(true);
    expect(metricsAuthorized(null, 's3cret-token')).toBe(false);
    expect(metricsAuthorized('Bearer s3cret-toke', 's3cret-token')).toBe(false);
    expect(metricsAuthorized('Basic czNjcmV0LXRva2Vu', 's3cret-token')).toBe(false);
    expect(metricsAuthorized('Bearer ', 's3cret-token')).toBe(false);
  });
});
