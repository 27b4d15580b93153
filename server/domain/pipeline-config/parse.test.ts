import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from './parse';
import { configOf, yml } from './testing';

const ALL_RETRY_REASONS = ['exit_code', 'lost', 'timeout'];

describe('the example of DESIGN.md', () => {
  const text = yml`
    stages: [build, test, deploy]
    variables: { NODE_ENV: test }
    jobs:
      compile:
        stage: build
        image: node:20
        runs_on: default
        script: [npm ci, npm run build]
        artifacts: { name: web, paths: [dist/], expire_in: 7d }
        timeout: 10m
      unit:
        stage: test
        needs: [compile]
        script: npm test
        retry: { max: 2, when: [exit_code] }
        reports: { junit: reports/*.xml }
      lint: { stage: test, script: npm run lint, allow_failure: true }
      deploy-staging:
        stage: deploy
        needs: [unit]
        deploy: { environment: staging, artifact: web, strategy: rolling }
      deploy-production:
        stage: deploy
        needs: [deploy-staging]
        deploy:
          environment: production
          artifact: web
          strategy: canary
          steps: [10, 50, 100]
          approval: required
          health: { max_error_rate: 0.02, max_p99_ms: 500, window: 60s }
  `;

  it('parses without issues, keeping the jobs in file order', () => {
    const { config, issues } = parsePipelineConfig(text);
    expect(issues).toEqual([]);
    expect(config?.jobs.map((j) => j.name)).toEqual(['compile', 'unit', 'lint', 'deploy-staging', 'deploy-production']);
    expect(config).toMatchObject({
      stages: ['build', 'test', 'deploy'],
      variables: { NODE_ENV: 'test' },
      on: ['push', 'pr', 'manual'],
      branches: null,
      schedule: null,
    });
  });

  it('resolves every job fully', () => {
    const [compile, unit, lint, staging, production] = configOf(text).jobs;
    expect(compile).toEqual({
      name: 'compile',
      stage: 'build',
      image: 'node:20',
      runsOn: 'default',
      script: ['npm ci', 'npm run build'],
      needs: null,
      when: 'on_success',
      allowFailure: false,
      network: false,
      retry: { max: 0, when: ALL_RETRY_REASONS, exitCodes: [] },
      timeoutSeconds: 600,
      variables: { NODE_ENV: 'test' },
      artifacts: { name: 'web', paths: ['dist/'], expireInSeconds: 7 * 86_400 },
      reports: { junit: [] },
      deploy: null,
    });
    expect(unit).toMatchObject({
      needs: ['compile'],
      script: ['npm test'],
      retry: { max: 2, when: ['exit_code'], exitCodes: [] },
      reports: { junit: ['reports/*.xml'] },
    });
    expect(lint).toMatchObject({ allowFailure: true, script: ['npm run lint'] });
    expect(staging).toMatchObject({
      script: [],
      deploy: {
        environment: 'staging',
        artifact: 'web',
        strategy: 'rolling',
        steps: [100],
        approval: 'none',
        health: { maxErrorRate: 0.05, maxP99Ms: null, windowSeconds: 60 },
      },
    });
    expect(production?.deploy).toEqual({
      environment: 'production',
      artifact: 'web',
      strategy: 'canary',
      steps: [10, 50, 100],
      approval: 'required',
      approvals: 1,
      selfApproval: false,
      instances: 2,
      start: null,
      health: { maxErrorRate: 0.02, maxP99Ms: 500, windowSeconds: 60 },
    });
  });

  it('is plain JSON, as the run stores it', () => {
    const config = configOf(text);
    expect(JSON.parse(JSON.stringify(config))).toEqual(config);
  });
});

describe('defaults', () => {
  it('fills everything a minimal config leaves out', () => {
    const config = configOf('jobs: { a: { script: make } }');
    expect(config).toEqual({
      stages: ['build', 'test', 'deploy'],
      variables: {},
      on: ['push', 'pr', 'manual'],
      branches: null,
      schedule: null,
      jobs: [
        {
          name: 'a',
          stage: 'test',
          image: null,
          runsOn: 'default',
          script: ['make'],
          needs: null,
          when: 'on_success',
          allowFailure: false,
          network: false,
          retry: { max: 0, when: ALL_RETRY_REASONS, exitCodes: [] },
          timeoutSeconds: 3600,
          variables: {},
          artifacts: null,
          reports: { junit: [] },
          deploy: null,
        },
      ],
    });
  });

  it('gives a job every key of default it does not set itself', () => {
    const [a, b] = configOf(yml`
      default: { image: node:20, runs_on: linux, timeout: 5m, retry: 1, allow_failure: true }
      jobs:
        a: { script: x }
        b: { script: x, image: alpine, runs_on: arm, timeout: 1m, retry: { max: 3, when: lost }, allow_failure: false }
    `).jobs;
    expect(a).toMatchObject({
      image: 'node:20',
      runsOn: 'linux',
      timeoutSeconds: 300,
      retry: { max: 1, when: ALL_RETRY_REASONS, exitCodes: [] },
      allowFailure: true,
    });
    expect(b).toMatchObject({
      image: 'alpine',
      runsOn: 'arm',
      timeoutSeconds: 60,
      retry: { max: 3, when: ['lost'], exitCodes: [] },
      allowFailure: false,
      network: false,
    });
  });

  it('merges variables: global, then default, then the job', () => {
    const [job] = configOf(yml`
      variables: { A: global, B: global, C: global }
      default: { variables: { B: default, C: default } }
      jobs:
        j: { script: x, variables: { C: job, D: job } }
    `).jobs;
    expect(job?.variables).toEqual({ A: 'global', B: 'default', C: 'job', D: 'job' });
  });

  it('takes variable values as written: numbers and booleans keep their spelling', () => {
    const config = configOf(yml`
      variables: { VERSION: 1.10, ENABLED: true, HEX: 0x1F, QUOTED: "007", EMPTY: "" }
      jobs: { a: { script: x } }
    `);
    expect(config.variables).toEqual({ VERSION: '1.10', ENABLED: 'true', HEX: '0x1F', QUOTED: '007', EMPTY: '' });
  });
});

describe('job keys', () => {
  it('takes script as one line or a list', () => {
    const [a, b] = configOf('jobs: { a: { script: make }, b: { script: [make, make test] } }').jobs;
    expect(a?.script).toEqual(['make']);
    expect(b?.script).toEqual(['make', 'make test']);
  });

  it('keeps needs absent (null) apart from needs: [] ', () => {
    const [a, b] = configOf('jobs: { a: { script: x }, b: { script: x, needs: [] } }').jobs;
    expect(a?.needs).toBeNull();
    expect(b?.needs).toEqual([]);
  });

  it.each(['on_success', 'manual', 'always', 'on_failure'])('accepts when: %s', (when) => {
    const needs = when === 'on_failure' ? ', needs: [a]' : '';
    expect(configOf(`jobs: { a: { script: x }, b: { script: x, when: ${when}${needs} } }`).jobs[1]?.when).toBe(when);
  });

  it('reads retry with reasons and exit codes', () => {
    const retry = (r: string) => configOf(`jobs: { a: { script: x, retry: ${r} } }`).jobs[0]?.retry;
    expect(retry('0')).toEqual({ max: 0, when: ALL_RETRY_REASONS, exitCodes: [] });
    expect(retry('3')).toEqual({ max: 3, when: ALL_RETRY_REASONS, exitCodes: [] });
    expect(retry('{ max: 2 }')).toEqual({ max: 2, when: ALL_RETRY_REASONS, exitCodes: [] });
    expect(retry('{ max: 1, when: timeout }')).toEqual({ max: 1, when: ['timeout'], exitCodes: [] });
    expect(retry('{ max: 2, when: [137, lost, 1, lost] }')).toEqual({ max: 2, when: ['lost'], exitCodes: [1, 137] });
  });

  it.each([
    ['90s', 90],
    ['10m', 600],
    ['1h30m', 5400],
    ['2h', 7200],
    ['1h0m30s', 3630],
  ])('reads timeout %s as %i seconds', (text, seconds) => {
    expect(configOf(`jobs: { a: { script: x, timeout: ${text} } }`).jobs[0]?.timeoutSeconds).toBe(seconds);
  });

  it('names artifacts after their job unless named, and keeps them 30 days by default', () => {
    const [a, b] = configOf(yml`
      jobs:
        a: { script: x, artifacts: { paths: dist/ } }
        b: { script: x, artifacts: { name: site, paths: [public/, 'docs/**/*.html'], expire_in: 1d12h } }
    `).jobs;
    expect(a?.artifacts).toEqual({ name: 'a', paths: ['dist/'], expireInSeconds: 30 * 86_400 });
    expect(b?.artifacts).toEqual({ name: 'site', paths: ['public/', 'docs/**/*.html'], expireInSeconds: 129_600 });
  });

  it('reads junit reports as one glob or a list', () => {
    const [a, b] = configOf(
      'jobs: { a: { script: x, reports: { junit: out/*.xml } }, b: { script: x, reports: { junit: [a.xml, b/*.xml] } } }',
    ).jobs;
    expect(a?.reports).toEqual({ junit: ['out/*.xml'] });
    expect(b?.reports).toEqual({ junit: ['a.xml', 'b/*.xml'] });
  });
});

describe('leading blank lines', () => {
  it('parses a config that starts with empty lines (it once looped forever)', () => {
    expect(parsePipelineConfig('\njobs: { a: { script: x } }').config?.jobs.map((j) => j.name)).toEqual(['a']);
    expect(parsePipelineConfig('\n\n\njobs:\n  a:\n    script: x\n').issues).toEqual([]);
    expect(parsePipelineConfig('\n a').config).toBeNull();
  });
});
