// Errors in values: out of bounds, unsafe paths and names, bad schedules. Each
// with its exact line and column and its message.
import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from './parse';
import { issuesOf, onlyIssue, pos, yml } from './testing';

const error = (at: string, message: string) => ({ at, severity: 'error', message });

describe('values out of bounds', () => {
  it.each([
    [
      'timeout: 10 minutes',
      '10 minutes',
      "jobs.a.timeout: '10 minutes' is not a duration; write e.g. 90s, 10m, 1h30m or 7d.",
    ],
    ['timeout: 90', '90', "jobs.a.timeout: '90' has no unit; write e.g. 90s or 90m."],
    ['timeout: 0s', '0s', 'jobs.a.timeout: must be longer than 0s.'],
    ['timeout: 30m1h', '30m1h', "jobs.a.timeout: '30m1h' is not a duration; write e.g. 90s, 10m, 1h30m or 7d."],
    [
      'artifacts: { paths: [d], expire_in: 2w }',
      '2w',
      "jobs.a.artifacts.expire_in: '2w' is not a duration; write e.g. 90s, 10m, 1h30m or 7d.",
    ],
    ['retry: 4', '4', 'jobs.a.retry: must be a whole number from 0 to 3, got 4.'],
    ['retry: { max: -1 }', '-1', 'jobs.a.retry.max: must be a whole number from 0 to 3, got -1.'],
    ['retry: { max: 1.5 }', '1.5', 'jobs.a.retry.max: must be a whole number from 0 to 3, got 1.5.'],
    ['retry: { when: lost }', 'retry', "jobs.a.retry: missing key 'max' (how many times to retry, 0 to 3)."],
    [
      'retry: { max: 1, when: [lots] }',
      'lots',
      "jobs.a.retry.when[0]: unknown value 'lots'; use exit_code, lost, timeout or an exit code (1-255). Did you mean 'lost'?",
    ],
    ['retry: { max: 1, when: [0] }', '0]', 'jobs.a.retry.when[0]: must be a whole number from 1 to 255, got 0.'],
    [
      'when: sometimes',
      'sometimes',
      "jobs.a.when: unknown value 'sometimes'; use on_success, manual, always or on_failure.",
    ],
    [
      'when: manaul',
      'manaul',
      "jobs.a.when: unknown value 'manaul'; use on_success, manual, always or on_failure. Did you mean 'manual'?",
    ],
  ])('%s', (pair, needle, message) => {
    const text = `jobs: { a: { script: x, ${pair} } }`;
    expect(onlyIssue(text)).toEqual(error(pos(text, needle), message));
  });

  it.each([
    ['strategy: canary, steps: [10, 5, 100]', '5,', 1, 'jobs.d.deploy.steps: steps must go up; 5 comes after 10.'],
    ['strategy: canary, steps: [10, 10, 100]', '10,', 2, 'jobs.d.deploy.steps: steps must go up; 10 comes after 10.'],
    [
      'strategy: canary, steps: [10, 50]',
      '50]',
      1,
      'jobs.d.deploy.steps: the last step must be 100 (all traffic on the new version).',
    ],
    [
      'strategy: canary, steps: [0, 100]',
      '0,',
      1,
      'jobs.d.deploy.steps[0]: must be a whole number from 1 to 100, got 0.',
    ],
    [
      'strategy: canary, steps: [50, 101]',
      '101',
      1,
      'jobs.d.deploy.steps[1]: must be a whole number from 1 to 100, got 101.',
    ],
    [
      'strategy: canary, steps: []',
      '[]',
      1,
      'jobs.d.deploy.steps: expected a list of traffic percentages ending at 100, e.g. [10, 50, 100].',
    ],
    [
      'strategy: rolling, steps: [50, 100]',
      'steps',
      1,
      'jobs.d.deploy: steps only apply to strategy: canary (this deploy is rolling).',
    ],
    [
      'strategy: big_bang',
      'big_bang',
      1,
      "jobs.d.deploy.strategy: unknown value 'big_bang'; use rolling, blue_green or canary.",
    ],
    ['approval: maybe', 'maybe', 1, "jobs.d.deploy.approval: unknown value 'maybe'; use required or none."],
    [
      'approval: { approvals: 0 }',
      '0 }',
      1,
      'jobs.d.deploy.approval.approvals: must be a whole number from 1 to 10, got 0.',
    ],
    ['instances: 0', '0', 1, 'jobs.d.deploy.instances: must be a whole number from 1 to 20, got 0.'],
    [
      'health: { max_error_rate: 2 }',
      '2 }',
      1,
      'jobs.d.deploy.health.max_error_rate: must be a fraction from 0 to 1 (0.02 is 2 %), got 2.',
    ],
    ['health: { max_p99_ms: 0 }', '0 }', 1, 'jobs.d.deploy.health.max_p99_ms: must be more than 0, got 0.'],
    [
      'health: { window: soon }',
      'soon',
      1,
      "jobs.d.deploy.health.window: 'soon' is not a duration; write e.g. 90s, 10m, 1h30m or 7d.",
    ],
  ])('deploy: %s', (pairs, needle, nth, message) => {
    const text = yml`
      stages: [build, deploy]
      jobs:
        b: { stage: build, script: x, artifacts: { name: w, paths: [d] } }
        d: { stage: deploy, deploy: { environment: qa, artifact: w, ${pairs} } }
    `;
    const line = text.split('\n').findIndex((l) => l.includes('d: {')) + 1;
    const at = pos(text.split('\n')[line - 1]!, needle, nth).replace(/^1:/, `${line}:`);
    expect(onlyIssue(text)).toEqual(error(at, message));
  });
});

describe('paths and names', () => {
  it('keeps artifact and report paths inside the workspace', () => {
    const text = yml`
      jobs:
        a:
          script: x
          artifacts: { paths: [ok/, /etc/passwd, ../up, 'a/../../b', 'C:\\win', ~/x] }
          reports: { junit: /tmp/*.xml }
    `;
    expect(issuesOf(text)).toEqual([
      error(
        pos(text, '/etc'),
        "jobs.a.artifacts.paths: '/etc/passwd' must be relative to the workspace, not absolute.",
      ),
      error(pos(text, '../up'), "jobs.a.artifacts.paths: '../up' must stay inside the workspace; '..' is not allowed."),
      error(
        pos(text, "'a/"),
        "jobs.a.artifacts.paths: 'a/../../b' must stay inside the workspace; '..' is not allowed.",
      ),
      error(pos(text, "'C:"), "jobs.a.artifacts.paths: 'C:\\win' must be relative to the workspace, not absolute."),
      error(pos(text, '~/x'), "jobs.a.artifacts.paths: '~/x' must be relative to the workspace, not absolute."),
      error(pos(text, '/tmp'), "jobs.a.reports.junit: '/tmp/*.xml' must be relative to the workspace, not absolute."),
    ]);
  });

  it('refuses names that are unsafe in URLs and storage keys', () => {
    const text = yml`
      jobs:
        "my job": { script: x }
        b: { script: x, runs_on: "eu west", artifacts: { name: ../web, paths: [d] } }
    `;
    expect(issuesOf(text)).toEqual([
      error(
        pos(text, '"my job"'),
        "jobs.my job: 'my job' is not a valid job name; use letters, digits, '.', '_' or '-' (starting with a letter or digit, at most 100).",
      ),
      error(
        pos(text, '"eu west"'),
        "jobs.b.runs_on: 'eu west' is not a valid runner pool name; use letters, digits, '.', '_' or '-' (starting with a letter or digit, at most 100).",
      ),
      error(
        pos(text, '../web'),
        "jobs.b.artifacts.name: '../web' is not a valid artifact name; use letters, digits, '.', '_' or '-' (starting with a letter or digit, at most 100).",
      ),
    ]);
  });

  it('refuses variable names a shell cannot use', () => {
    expect(onlyIssue('variables: { 1ST: x, OK: y }\njobs: { a: { script: x } }')).toEqual(
      error(
        '1:14',
        "variables.1ST: '1ST' is not a valid variable name; use letters, digits and '_', not starting with a digit.",
      ),
    );
  });

  it('refuses branch patterns no branch can match', () => {
    expect(onlyIssue('branches: [main, "feat ure", release/*]\njobs: { a: { script: x } }')).toEqual(
      error('1:18', "branches[1]: 'feat ure' is not a branch pattern: branch names have no spaces."),
    );
  });

  it('refuses unknown triggers, with a hint for names other systems use', () => {
    expect(onlyIssue('on: [push, pull_request]\njobs: { a: { script: x } }')).toEqual(
      error('1:12', "on: unknown trigger 'pull_request'; use push, pr, schedule or manual. Did you mean 'pr'?"),
    );
  });

  it('refuses a stage listed twice', () => {
    const text = 'stages: [build, test, build]\njobs: { a: { stage: build, script: x }, b: { script: x } }';
    expect(issuesOf(text)).toEqual([error(pos(text, 'build', 2), "stages: 'build' is listed twice.")]);
  });
});

describe('schedule', () => {
  it.each([
    ['"0 25 * * *"', '1:14', "schedule: hour '25': '25' is not between 0 and 23."],
    [
      '0 3 * *',
      '1:11',
      "schedule: a schedule has 5 fields (minute hour day-of-month month day-of-week), '0 3 * *' has 4.",
    ],
    [
      '"0 3 * * * *"',
      '1:12',
      "schedule: a schedule has 5 fields (minute hour day-of-month month day-of-week), '0 3 * * * *' has 6.",
    ],
    ['60 * * * *', '1:11', "schedule: minute '60': '60' is not between 0 and 59."],
    ["'0 3 0 * *'", '1:16', "schedule: day of month '0': '0' is not between 1 and 31."],
    ['0 3 * 13 *', '1:17', "schedule: month '13': '13' is not between 1 and 12 or JAN-DEC."],
    ['0 3 * * FUN', '1:19', "schedule: day of week 'FUN': 'FUN' is not between 0 and 7 or SUN-SAT."],
    ['0 5-2 * * *', '1:13', "schedule: hour '5-2': the range '5-2' goes backwards."],
    ['"*/0 * * * *"', '1:12', "schedule: minute '*/0': the step in '*/0' must be a positive whole number."],
    ['0 1,,2 * * *', '1:13', "schedule: hour '1,,2': '' is not a value, a range or a step."],
    [
      'every day',
      '1:11',
      "schedule: a schedule has 5 fields (minute hour day-of-month month day-of-week), 'every day' has 2.",
    ],
  ])('schedule: %s', (value, at, message) => {
    const issues = issuesOf(`schedule: ${value}\njobs: { a: { script: x } }`);
    expect(issues).toEqual([error(at, message)]);
  });

  it('points at the schedule itself when it spans lines', () => {
    expect(onlyIssue('schedule: >-\n  0 25\n  * * *\njobs: { a: { script: x } }')).toEqual(
      error('1:11', "schedule: hour '25': '25' is not between 0 and 23."),
    );
  });
});

describe('config is null on any error, and only then', () => {
  it('drops the config when there is an error', () => {
    expect(parsePipelineConfig('jobs: { a: { script: x, timeout: 1y } }').config).toBeNull();
  });

  it('keeps the config when there are only warnings', () => {
    const result = parsePipelineConfig('jobs: { a: { script: x, timeout: 2d } }');
    expect(result.issues.map((i) => i.severity)).toEqual(['warning']);
    expect(result.config?.jobs[0]?.timeoutSeconds).toBe(172_800);
  });
});
