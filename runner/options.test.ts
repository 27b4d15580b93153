import { describe, expect, it } from 'vitest';
import { resolveRunnerOptions } from './options';

describe('runner options', () => {
  it('takes flags over the environment', () => {
    const o = resolveRunnerOptions(
      { url: 'http://a:3000', pool: 'gpu' },
      { SWITCHYARD_URL: 'http://b:3000', SWITCHYARD_RUNNER_POOL: 'linux' },
    );
    expect(o.url).toBe('http://a:3000');
    expect(o.pool).toBe('gpu');
  });

  it('reads the environment and applies defaults', () => {
    const o = resolveRunnerOptions({}, { SWITCHYARD_URL: 'http://b:3000', SWITCHYARD_RUNNER_CONCURRENCY: '4' });
    expect(o).toMatchObject({ url: 'http://b:3000', concurrency: 4, pool: 'default', pingSeconds: 10 });
  });

  it('explains what is wrong', () => {
    expect(() => resolveRunnerOptions({ concurrency: 'many' }, { SWITCHYARD_URL: 'not a url' })).toThrow(
      /--url[\s\S]*--concurrency/,
    );
  });
});
