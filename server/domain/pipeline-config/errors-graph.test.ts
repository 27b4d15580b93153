// Errors and warnings that involve several jobs: stages, needs, cycles,
// duplicates, artifacts; and the warnings for likely mistakes.
import { describe, expect, it } from 'vitest';
import { parsePipelineConfig } from './parse';
import { issuesOf, onlyIssue, pos, yml } from './testing';

const error = (at: string, message: string) => ({ at, severity: 'error', message });
const warning = (at: string, message: string) => ({ at, severity: 'warning', message });

describe('stages', () => {
  it('names the stages and the closest one for an unknown stage', () => {
    const text = yml`
      stages: [build, test]
      jobs:
        a: { stage: biuld, script: x }
        b: { stage: build, script: x }
        c: { stage: test, script: x }
    `;
    expect(onlyIssue(text)).toEqual(
      error(
        pos(text, 'biuld'),
        "jobs.a.stage: unknown stage 'biuld'. Did you mean 'build'? The stages are build, test.",
      ),
    );
  });

  it('says how to add stages when none are declared', () => {
    const text = 'jobs: { a: { stage: package, script: x } }';
    expect(onlyIssue(text)).toEqual(
      error(
        pos(text, 'package'),
        "jobs.a.stage: unknown stage 'package'. The stages are build, test, deploy (add a stages: list to use other stages).",
      ),
    );
  });

  it('asks for a stage when the default one is not declared', () => {
    const text = 'stages: [one]\njobs: { x: { stage: one, script: x }, a: { script: x } }';
    expect(onlyIssue(text)).toEqual(
      error(
        pos(text, 'a:'),
        "jobs.a: has no stage, and the default stage 'test' is not one of the stages (one); add stage: with one of them.",
      ),
    );
  });

  it('warns about a declared stage without jobs', () => {
    const text = 'stages: [build, lint, test]\njobs: { a: { stage: build, script: x }, b: { script: x } }';
    expect(issuesOf(text)).toEqual([warning(pos(text, 'lint'), "stages: no job is in stage 'lint'.")]);
  });
});

describe('needs', () => {
  it('suggests the closest job for a missing one', () => {
    const text = 'jobs: { compile: { stage: build, script: x }, unit: { needs: [compile, complie], script: x } }';
    expect(onlyIssue(text)).toEqual(
      error(pos(text, 'complie'), "jobs.unit.needs: no job named 'complie'. Did you mean 'compile'?"),
    );
  });

  it('refuses a job of a later stage', () => {
    const text = yml`
      jobs:
        unit: { stage: test, needs: [ship], script: x }
        ship: { stage: deploy, script: x }
    `;
    expect(onlyIssue(text)).toEqual(
      error(
        pos(text, 'ship]'),
        "jobs.unit.needs: 'ship' is in stage deploy, which comes after this job's stage test; a job can only need jobs of its own or an earlier stage.",
      ),
    );
  });

  it('allows a job of the same stage', () => {
    expect(issuesOf('jobs: { a: { script: x }, b: { needs: [a], script: x } }')).toEqual([]);
  });

  it('refuses the job itself and hidden jobs', () => {
    const text = 'jobs: { .base: { script: x }, a: { needs: [a, .base], script: x } }';
    expect(issuesOf(text)).toEqual([
      error(pos(text, 'a,'), 'jobs.a.needs: a job cannot need itself.'),
      error(pos(text, '.base]'), "jobs.a.needs: '.base' is a hidden job (its name starts with '.') and never runs."),
    ]);
  });

  it('warns about a job listed twice', () => {
    const text = 'jobs: { a: { script: x }, b: { needs: [a, a], script: x } }';
    const result = parsePipelineConfig(text);
    expect(issuesOf(text)).toEqual([warning(pos(text, 'a]'), "jobs.b.needs: 'a' is listed twice.")]);
    expect(result.config?.jobs[1]?.needs).toEqual(['a']);
  });

  it('prints a cycle and points at the need that closes it', () => {
    const text = yml`
      jobs:
        a: { needs: [b], script: x }
        b: { needs: [c], script: x }
        c: { needs: [a], script: x }
    `;
    expect(onlyIssue(text)).toEqual(
      error(pos(text, 'a]'), "jobs.c.needs: 'a' closes a cycle: a → b → c → a (each job needs the next)."),
    );
  });

  it('reports each cycle once, found in file order', () => {
    const text = yml`
      jobs:
        x: { needs: [y], script: x }
        y: { needs: [x], script: x }
        p: { needs: [q, x], script: x }
        q: { needs: [p], script: x }
    `;
    expect(issuesOf(text)).toEqual([
      error('3:16', "jobs.y.needs: 'x' closes a cycle: x → y → x (each job needs the next)."),
      error('5:16', "jobs.q.needs: 'p' closes a cycle: p → q → p (each job needs the next)."),
    ]);
  });

  it('still checks the needs of a job that has other errors', () => {
    const text = 'jobs: { a: { script: x, timeout: soon, needs: [nope] } }';
    expect(issuesOf(text).map((i) => i.message)).toEqual([
      "jobs.a.timeout: 'soon' is not a duration; write e.g. 90s, 10m, 1h30m or 7d.",
      "jobs.a.needs: no job named 'nope'.",
    ]);
  });

  it('does not report needs of a job whose own definition is broken', () => {
    expect(onlyIssue('jobs: { a: 5, b: { needs: [a], script: x } }')).toEqual(
      error('1:12', 'jobs.a: expected a map of key: value, got the number 5.'),
    );
  });
});

describe('duplicates', () => {
  it('reports a job defined twice at the second definition', () => {
    const text = yml`
      jobs:
        build: { script: make }
        test: { script: make test }
        build: { script: make all }
    `;
    expect(onlyIssue(text)).toEqual(
      error('4:3', "jobs: job 'build' is defined twice (first on line 2); job names must be unique."),
    );
  });

  it('reports any other key given twice', () => {
    const text = yml`
      jobs:
        a:
          script: x
          timeout: 5m
          timeout: 10m
    `;
    expect(onlyIssue(text)).toEqual(error('5:5', "jobs.a: key 'timeout' appears twice (first on line 4)."));
  });

  it('refuses two jobs producing the same artifact', () => {
    const text = yml`
      jobs:
        a: { script: x, artifacts: { name: web, paths: [a/] } }
        b: { script: x, artifacts: { name: web, paths: [b/] } }
    `;
    expect(onlyIssue(text)).toEqual(
      error(
        pos(text, 'web', 2),
        "jobs.b.artifacts: job 'a' already produces an artifact named 'web'; artifact names must be unique.",
      ),
    );
  });
});

describe('deploy artifacts', () => {
  const deploying = (jobs: string) => `jobs: ${jobs}`;

  it('accepts an artifact produced through implicit needs, any number of stages back', () => {
    const text = deploying(
      '{ build: { stage: build, script: x, artifacts: { name: web, paths: [d] } }, t: { script: x }, ship: { stage: deploy, deploy: { environment: qa, artifact: web } } }',
    );
    expect(issuesOf(text)).toEqual([]);
  });

  it('accepts an artifact produced through a chain of needs', () => {
    const text = deploying(
      '{ build: { stage: build, script: x, artifacts: { name: web, paths: [d] } }, t: { needs: [build], script: x }, ship: { stage: deploy, needs: [t], deploy: { environment: qa, artifact: web } } }',
    );
    expect(issuesOf(text)).toEqual([]);
  });

  it('names the job that produces it when the deploy does not wait for that job', () => {
    const text = deploying(
      '{ build: { stage: build, script: x, artifacts: { name: web, paths: [d] } }, t: { script: x }, ship: { stage: deploy, needs: [], deploy: { environment: qa, artifact: web } } }',
    );
    expect(onlyIssue(text)).toEqual(
      error(
        pos(text, 'web }'),
        "jobs.ship.deploy.artifact: no job that 'ship' waits for produces an artifact named 'web'. Job 'build' does: add it to needs, directly or through a job it needs.",
      ),
    );
  });

  it('suggests a close artifact name', () => {
    const text = deploying(
      '{ build: { stage: build, script: x, artifacts: { name: web, paths: [d] } }, ship: { stage: deploy, deploy: { environment: qa, artifact: wbe } } }',
    );
    expect(onlyIssue(text)).toEqual(
      error(
        pos(text, 'wbe'),
        "jobs.ship.deploy.artifact: no job that 'ship' waits for produces an artifact named 'wbe'. Did you mean 'web'? Artifacts: web.",
      ),
    );
  });

  it('says how to produce one when no job has artifacts', () => {
    const text = deploying(
      '{ build: { stage: build, script: x }, ship: { stage: deploy, deploy: { environment: qa, artifact: web } } }',
    );
    expect(onlyIssue(text)).toEqual(
      error(
        pos(text, 'web'),
        "jobs.ship.deploy.artifact: no job that 'ship' waits for produces an artifact named 'web'. No job has artifacts: add artifacts: { name: web, paths: [...] } to the job that builds it.",
      ),
    );
  });
});

describe('warnings for likely mistakes', () => {
  it('warns about a timeout over a day', () => {
    const text = 'default: { timeout: 1d1h }\njobs: { a: { script: x, timeout: 2d } }';
    expect(issuesOf(text)).toEqual([
      warning(pos(text, '1d1h'), 'default.timeout: 1d1h is longer than a day; a job this long is usually stuck.'),
      warning(pos(text, '2d'), 'jobs.a.timeout: 2d is longer than a day; a job this long is usually stuck.'),
    ]);
  });

  it('warns about a schedule that on never uses, and the other way round', () => {
    const a = 'on: [push]\nschedule: "0 3 * * *"\njobs: { a: { script: x } }';
    expect(issuesOf(a)).toEqual([
      warning(pos(a, '"0 3'), "schedule: 'on' does not include schedule, so this schedule never starts a run."),
    ]);
    const b = 'on: [push, schedule]\njobs: { a: { script: x } }';
    expect(issuesOf(b)).toEqual([
      warning(
        pos(b, 'schedule'),
        "on: 'schedule' is listed but there is no schedule: key, so no scheduled run will start.",
      ),
    ]);
  });

  it('warns about a trigger listed twice', () => {
    const text = 'on: [push, pr, push]\njobs: { a: { script: x } }';
    expect(issuesOf(text)).toEqual([warning(pos(text, 'push', 2), "on: 'push' is listed twice.")]);
  });

  it('warns about production deploys without approval', () => {
    const text =
      'jobs: { b: { stage: build, script: x, artifacts: { name: w, paths: [d] } }, d: { stage: deploy, deploy: { environment: production, artifact: w, approval: none } } }';
    expect(issuesOf(text)).toEqual([
      warning(pos(text, 'none'), 'jobs.d.deploy.approval: production deploys start without anyone approving them.'),
    ]);
  });

  it('warns about on_failure on a job that waits for nothing', () => {
    const text =
      'jobs: { a: { stage: build, script: x, when: on_failure }, b: { script: x, needs: [], when: on_failure }, c: { script: x, when: on_failure } }';
    expect(issuesOf(text)).toEqual([
      warning(
        pos(text, 'on_failure', 1),
        'jobs.a.when: on_failure runs only when a job it waits for fails, and this job waits for none.',
      ),
      warning(
        pos(text, 'on_failure', 2),
        'jobs.b.when: on_failure runs only when a job it waits for fails, and this job waits for none.',
      ),
    ]);
  });

  it('warns about a variable without a value and sets it empty', () => {
    const text = 'variables: { A: }\njobs: { a: { script: x } }';
    expect(issuesOf(text)).toEqual([
      warning(pos(text, 'A'), 'variables.A: has no value; it is set to the empty string (write A: "" to say so).'),
    ]);
    expect(parsePipelineConfig(text).config?.variables).toEqual({ A: '' });
  });

  it('warns about exit codes listed beside exit_code', () => {
    const text = 'jobs: { a: { script: x, retry: { max: 1, when: [exit_code, 137] } } }';
    expect(issuesOf(text)).toEqual([
      warning(
        pos(text, '[exit_code'),
        'jobs.a.retry.when: exit_code already retries every non-zero exit code; the exit codes listed add nothing.',
      ),
    ]);
  });
});
