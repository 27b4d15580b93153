import { describe, expect, it } from 'vitest';
import { parseSize, resolveRunnerOptions } from './options';

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

describe('container executor options', () => {
  it('reads sizes and the engine address', () => {
    const o = resolveRunnerOptions(
      { url: 'http://a:3000', executor: 'container', memory: '512m', pull: 'if-missing' },
      { DOCKER_HOST: 'unix:///run/podman.sock' },
    );
    expect(o).toMatchObject({ executor: 'container', memory: 512 * 1024 * 1024, pull: 'if-missing' });
    expect(o.dockerHost).toBe('unix:///run/podman.sock');
    expect(parseSize('2g')).toBe(2 * 1024 ** 3);
    expect(parseSize('1.5k')).toBe(1536);
  });

  it('refuses an unknown executor or a bad size', () => {
    expect(() => resolveRunnerOptions({ url: 'http://a', executor: 'vm', memory: 'lots' }, {})).toThrow(
      /--executor[\s\S]*--memory/,
    );
  });
});
