// Errors in the shape of the config: unknown keys, wrong types, missing and
// empty values. Each with its exact line and column and its message.
import { describe, expect, it } from 'vitest';
import { issuesOf, onlyIssue, pos, yml } from './testing';

const error = (at: string, message: string) => ({ at, severity: 'error', message });

describe('unknown keys', () => {
  it('suggests the closest key at the top level', () => {
    expect(onlyIssue('stges: [build]\njobs: { a: { script: x } }')).toEqual(
      error('1:1', "config: unknown key 'stges'. Did you mean 'stages'?"),
    );
  });

  it('suggests the closest key in a job, swapped letters included', () => {
    const text = yml`
      jobs:
        a:
          scirpt: make
          script: make
    `;
    expect(onlyIssue(text)).toEqual(error('3:5', "jobs.a: unknown key 'scirpt'. Did you mean 'script'?"));
  });

  it('does not also call a misspelled required key missing', () => {
    const text = 'jobs: { a: { scirpt: make }, b: { script: x, artifacts: { path: [d] } } }';
    expect(issuesOf(text)).toEqual([
      error(pos(text, 'scirpt'), "jobs.a: unknown key 'scirpt'. Did you mean 'script'?"),
      error(pos(text, 'path:'), "jobs.b.artifacts: unknown key 'path'. Did you mean 'paths'?"),
    ]);
  });

  it('lists the allowed keys when nothing is close', () => {
    const text = 'jobs: { a: { script: x, artifacts: { paths: [d], zzz: 1 } } }';
    expect(onlyIssue(text)).toEqual(
      error(pos(text, 'zzz'), "jobs.a.artifacts: unknown key 'zzz'. Allowed keys: name, paths, expire_in."),
    );
  });

  it('finds unknown keys at every depth', () => {
    const text = yml`
      jobs:
        a: { stage: build, script: x, artifacts: { name: web, paths: [d] }, retry: { max: 1, wehn: lost }, reports: { junti: r.xml } }
        b:
          stage: deploy
          deploy:
            environment: qa
            artifact: web
            strategy: canary
            stpes: [50, 100]
            health: { max_error_rte: 0.1 }
    `;
    expect(issuesOf(text)).toEqual([
      error('2:88', "jobs.a.retry: unknown key 'wehn'. Did you mean 'when'?"),
      error('2:113', "jobs.a.reports: unknown key 'junti'. Did you mean 'junit'?"),
      error('9:7', "jobs.b.deploy: unknown key 'stpes'. Did you mean 'steps'?"),
      error('10:17', "jobs.b.deploy.health: unknown key 'max_error_rte'. Did you mean 'max_error_rate'?"),
    ]);
    expect(['2:88', '2:113', '9:7', '10:17']).toEqual([
      pos(text, 'wehn'),
      pos(text, 'junti'),
      pos(text, 'stpes'),
      pos(text, 'max_error_rte'),
    ]);
  });

  it('says which keys default takes when given a job-only key', () => {
    expect(onlyIssue('default: { script: x }\njobs: { a: { script: x } }')).toEqual(
      error(
        '1:12',
        "default: unknown key 'script'. 'script' is set per job; default takes image, runs_on, timeout, retry, variables, allow_failure or network.",
      ),
    );
  });

  it('spots a job written outside jobs:', () => {
    expect(onlyIssue('build: { script: make }\njobs: { a: { script: x } }')).toEqual(
      error('1:1', "config: unknown key 'build'. It looks like a job: jobs go under jobs:."),
    );
  });
});

describe('wrong types', () => {
  it.each([
    ['stages: build', '1:9', "stages: expected a list, got the text 'build'."],
    ['variables: [A]', '1:12', 'variables: expected a map of key: value, got a list.'],
    ['on: { push: true }', '1:5', 'on: expected text or a list of text, got a map.'],
    ['default: 5', '1:10', 'default: expected a map of key: value, got the number 5.'],
  ])('top level: %s', (line, at, message) => {
    expect(onlyIssue(`${line}\njobs: { a: { script: x } }`)).toEqual(error(at, message));
  });

  it.each([
    ['image: [a]', '[a]', 'jobs.a.image: expected text, got a list.'],
    ['allow_failure: "yes"', '"yes"', "jobs.a.allow_failure: expected true or false, got the text 'yes'."],
    ['needs: compile', 'compile', 'jobs.a.needs: expected a list of job names, e.g. needs: [compile].'],
    [
      'retry: true',
      'true',
      'jobs.a.retry: expected a number from 0 to 3 or a map with max and when, got the boolean true.',
    ],
    ['variables: { A: [1] }', '[1]', 'jobs.a.variables.A: expected text, got a list.'],
    ['deploy: staging', 'staging', "jobs.a.deploy: expected a map of key: value, got the text 'staging'."],
    ['timeout: ~', '~', 'jobs.a.timeout: expected text, got nothing.'],
  ])('job key: %s', (pair, needle, message) => {
    const text = `jobs: { a: { ${pair}${pair.startsWith('deploy') ? '' : ', script: x'} } }`;
    expect(onlyIssue(text)).toEqual(error(pos(text, needle), message));
  });

  it('explains that script lines with ": " need quotes', () => {
    const text = yml`
      jobs:
        a:
          script:
            - echo ok
            - echo status: done
    `;
    expect(onlyIssue(text)).toEqual(
      error('5:9', "jobs.a.script[1]: expected text, got a map. Text that contains ': ' must be quoted."),
    );
  });

  it('refers to a config that is not a map at all', () => {
    expect(onlyIssue('- a\n- b\n')).toEqual(error('1:1', 'config: expected a map of key: value, got a list.'));
    expect(onlyIssue('just text')).toEqual(
      error('1:1', "config: expected a map of key: value, got the text 'just text'."),
    );
  });
});

describe('missing and empty', () => {
  it.each(['', '# nothing yet\n', '---\n'])('an empty config: %j', (text) => {
    expect(onlyIssue(text)).toEqual(
      error('1:1', 'The config is empty; it needs at least a jobs: map (see docs/pipeline-config.md).'),
    );
  });

  it('a config without jobs', () => {
    expect(onlyIssue('stages: [build]\n')).toEqual(
      expect.objectContaining(error('1:1', "config: missing key 'jobs' (a map of the jobs to run).")),
    );
  });

  it.each([
    ['jobs:', '1:1', 'jobs: there are no jobs; add at least one.'],
    ['jobs: {}', '1:1', 'jobs: there are no jobs; add at least one job that runs.'],
    [
      'jobs: { .a: { script: x } }',
      '1:1',
      "jobs: every job is hidden (its name starts with '.'); add at least one job that runs.",
    ],
  ])('empty jobs: %s', (text, at, message) => {
    expect(onlyIssue(text)).toEqual(error(at, message));
  });

  it('a job without script, and a deploy without environment or artifact', () => {
    const text = yml`
      jobs:
        a: { stage: build }
        b: { deploy: {} }
    `;
    expect(issuesOf(text)).toEqual([
      error('2:3', "jobs.a: missing key 'script' (the shell lines to run); only a job with deploy has none."),
      error('3:8', "jobs.b.deploy: missing key 'environment'."),
      error('3:8', "jobs.b.deploy: missing key 'artifact'."),
    ]);
  });

  it('a job with both script and deploy', () => {
    const text = yml`
      jobs:
        b: { stage: build, script: x, artifacts: { name: w, paths: [d] } }
        a:
          stage: deploy
          script: ./deploy.sh
          deploy: { environment: qa, artifact: w }
    `;
    expect(onlyIssue(text)).toEqual(
      error('5:5', 'jobs.a: a deploy job runs the rollout, not a script; move the script into a job it needs.'),
    );
  });

  it('empty lists where something is needed', () => {
    const text = yml`
      stages: []
      branches: []
      jobs:
        a: { script: [], artifacts: { paths: [] }, retry: { max: 1, when: [] } }
    `;
    expect(issuesOf(text)).toEqual([
      error(pos(text, '[]', 1), 'stages: list at least one stage, or remove the key to use build, test, deploy.'),
      error(pos(text, '[]', 2), 'branches: an empty list matches no branch; remove the key to run on every branch.'),
      error(pos(text, '[]', 3), 'jobs.a.script: list at least one line.'),
      error(pos(text, '[]', 4), 'jobs.a.artifacts.paths: list at least one path.'),
      error(pos(text, '[]', 5), 'jobs.a.retry.when: list at least one of exit_code, lost, timeout or an exit code.'),
    ]);
  });
});
