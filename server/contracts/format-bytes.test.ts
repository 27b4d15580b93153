import { describe, expect, it } from 'vitest';
import { formatBytes } from './format-bytes';

describe('formatBytes', () => {
  it('reads at a glance', () => {
    expect(formatBytes(409)).toBe('409 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(256 * 1024)).toBe('256 KiB');
    expect(formatBytes(100 * 1024 ** 2)).toBe('100 MiB');
    expect(formatBytes(1.25 * 1024 ** 3)).toBe('1.3 GiB');
  });
});
