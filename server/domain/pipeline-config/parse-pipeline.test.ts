// The happy paths of deploy jobs, triggers, stages and templates.
import { describe, expect, it } from 'vitest';
import { configOf, issuesOf, yml } from './testing';

describe('deploy', () => {
  const deployOf = (block: string) =>
    configOf(yml`
      jobs:
        build: { stage: build, script: x, artifacts: { name: web, paths: [dist/] } }
        ship: { stage: deploy, deploy: ${block} }
    `).jobs[1]?.deploy;

  it('defaults to rolling, without approval outside production', () => {
    expect(deployOf('{ environment: staging, artifact: web }')).toEqual({
      environment: 'staging',
      artifact: 'web',
      strategy: 'rolling',
      steps: [100],
      approval: 'none',
      approvals: 0,
      selfApproval: false,
      instances: 2,
      start: null,
      health: { maxErrorRate: 0.05, maxP99Ms: null, windowSeconds: 60 },
    });
  });

  it('reads approval rules, instances and the start command', () => {
    expect(deployOf('{ environment: production, artifact: web }')).toMatchObject({ approvals: 1, selfApproval: false });
    expect(
      deployOf('{ environment: production, artifact: web, approval: { approvals: 2, self_approval: true } }'),
    ).toMatchObject({ approval: 'required', approvals: 2, selfApproval: true });
    expect(deployOf('{ environment: qa, artifact: web, instances: 3, start: node server.js }')).toMatchObject({
      instances: 3,
      start: 'node server.js',
    });
  });

  it('requires approval for production by default', () => {
    expect(deployOf('{ environment: production, artifact: web }')?.approval).toBe('required');
    expect(deployOf('{ environment: staging, artifact: web, approval: required }')?.approval).toBe('required');
  });

  it('gives canary the steps 10, 50, 100 unless told', () => {
    expect(deployOf('{ environment: qa, artifact: web, strategy: canary }')?.steps).toEqual([10, 50, 100]);
    expect(deployOf('{ environment: qa, artifact: web, strategy: canary, steps: [1, 5, 25, 100] }')?.steps).toEqual([
      1, 5, 25, 100,
    ]);
    expect(deployOf('{ environment: qa, artifact: web, strategy: canary, steps: [100] }')?.steps).toEqual([100]);
    expect(deployOf('{ environment: qa, artifact: web, strategy: blue_green }')).toMatchObject({
      strategy: 'blue_green',
      steps: [100],
    });
  });

  it('fills health keys left out', () => {
    expect(deployOf('{ environment: qa, artifact: web, health: { max_p99_ms: 250.5 } }')?.health).toEqual({
      maxErrorRate: 0.05,
      maxP99Ms: 250.5,
      windowSeconds: 60,
    });
    expect(deployOf('{ environment: qa, artifact: web, health: { max_error_rate: 0, window: 5m } }')?.health).toEqual({
      maxErrorRate: 0,
      maxP99Ms: null,
      windowSeconds: 300,
    });
  });
});

describe('triggers', () => {
  it('runs on push, pr and manual unless told; a schedule adds schedule', () => {
    expect(configOf('jobs: { a: { script: x } }').on).toEqual(['push', 'pr', 'manual']);
    const scheduled = configOf('schedule: "0 3 * * *"\njobs: { a: { script: x } }');
    expect(scheduled.on).toEqual(['push', 'pr', 'schedule', 'manual']);
    expect(scheduled.schedule).toBe('0 3 * * *');
  });

  it('takes on as one trigger or a list, in a fixed order', () => {
    expect(configOf('on: push\njobs: { a: { script: x } }').on).toEqual(['push']);
    expect(configOf('on: [manual, schedule, pr]\nschedule: 0 3 * * *\njobs: { a: { script: x } }').on).toEqual([
      'pr',
      'schedule',
      'manual',
    ]);
  });

  it('reads branches as one glob or a list', () => {
    expect(configOf('branches: main\njobs: { a: { script: x } }').branches).toEqual(['main']);
    expect(configOf('branches: [main, release/*, "feature/**"]\njobs: { a: { script: x } }').branches).toEqual([
      'main',
      'release/*',
      'feature/**',
    ]);
  });

  it.each([
    '*/15 * * * *',
    '0 3 * * MON-FRI',
    '0 0 1,15 JAN-JUN/2 *',
    '5 4 * * 7',
    '0 22 * * 1-5',
    '0-59/5 0-23 1-31 1-12 0-6',
  ])('accepts the schedule %s', (cron) => {
    expect(configOf(`schedule: "${cron}"\njobs: { a: { script: x } }`).schedule).toBe(cron);
  });

  it('normalises the spacing of a schedule', () => {
    expect(configOf('schedule: "  0   3 *\t* *  "\njobs: { a: { script: x } }').schedule).toBe('0 3 * * *');
  });
});

describe('stages and templates', () => {
  it('takes custom stages in order; a job without stage is in test', () => {
    const config = configOf(yml`
      stages: [lint, test, ship]
      jobs:
        a: { stage: ship, script: x }
        b: { script: x }
        c: { stage: lint, script: x }
    `);
    expect(config.stages).toEqual(['lint', 'test', 'ship']);
    expect(config.jobs.map((j) => j.stage)).toEqual(['ship', 'test', 'lint']);
  });

  it("ignores keys and jobs whose name starts with '.' (anchor templates)", () => {
    const text = yml`
      .defaults: &d { image: node:20 }
      jobs:
        .template: { whatever: 1 }
        a: { <<: *d, script: x }
    `;
    expect(issuesOf(text)).toEqual([]);
    expect(configOf(text).jobs.map((j) => [j.name, j.image])).toEqual([['a', 'node:20']]);
  });
});
