// YAML itself: anchors, aliases, merge keys, syntax errors with positions, and
// inputs meant to break the parser (it must never throw, nor blow up memory).
import { describe, expect, it } from 'vitest';
import { LIMITS } from './model';
import { parsePipelineConfig } from './parse';
import { configOf, issuesOf, onlyIssue, pos, seeded, yml } from './testing';

const error = (at: string, message: string) => ({ at, severity: 'error', message });

describe('anchors, aliases and merge keys', () => {
  const text = yml`
    .defaults: &defaults
      image: node:20
      retry: 2
      variables: &vars { A: "1", B: "1" }
    .script: &script [npm ci, npm test]
    jobs:
      .template: &job { stage: test, timeout: 5m }
      one:
        <<: *defaults
        script: *script
      two:
        <<: [*job, *defaults]
        image: node:22
        script: *script
        variables: { <<: *vars, B: "2" }
      three: *job
  `;

  it('expands aliases and merges, explicit keys first', () => {
    const { issues, config } = parsePipelineConfig(text.replace('three: *job', 'three: { <<: *job, script: x }'));
    expect(issues).toEqual([]);
    const [one, two, three] = config!.jobs;
    expect(one).toMatchObject({
      image: 'node:20',
      retry: { max: 2 },
      variables: { A: '1', B: '1' },
      script: ['npm ci', 'npm test'],
    });
    expect(two).toMatchObject({
      stage: 'test',
      timeoutSeconds: 300,
      image: 'node:22',
      retry: { max: 2 },
      variables: { A: '1', B: '2' },
    });
    expect(three).toMatchObject({ stage: 'test', timeoutSeconds: 300, script: ['x'] });
  });

  it('reports an error inside an alias at the anchored text, under the path that used it', () => {
    expect(onlyIssue(text)).toEqual(
      error(
        pos(text, 'three'),
        "jobs.three: missing key 'script' (the shell lines to run); only a job with deploy has none.",
      ),
    );
  });

  it('lets the first of several merged maps win', () => {
    const config = configOf(yml`
      .a: &a { image: a, timeout: 1m }
      .b: &b { image: b, runs_on: b }
      jobs: { j: { <<: [*a, *b], script: x } }
    `);
    expect(config.jobs[0]).toMatchObject({ image: 'a', runsOn: 'b', timeoutSeconds: 60 });
  });

  it('does not count a merged key as a duplicate of an explicit one', () => {
    expect(issuesOf('.a: &a { script: x }\njobs: { j: { script: y, <<: *a } }')).toEqual([]);
    expect(configOf('.a: &a { script: x }\njobs: { j: { script: y, <<: *a } }').jobs[0]?.script).toEqual(['y']);
  });

  it('refuses to merge something that is not a map', () => {
    const text = '.a: &a [x]\njobs: { j: { <<: *a, script: y } }';
    expect(onlyIssue(text)).toEqual(
      error(pos(text, 'x]'), 'jobs.j: a << merge takes a map or a list of maps, e.g. <<: *defaults.'),
    );
  });

  it('reports an alias to an anchor that does not exist yet', () => {
    const text = 'jobs: { j: { script: *lines } }\n.lines: &lines [x]';
    expect(onlyIssue(text)).toEqual(
      error(pos(text, '*lines'), 'jobs.j.script: unknown alias *lines; define the anchor &lines before using it.'),
    );
  });

  it('reports an alias inside the value it names instead of recursing', () => {
    const text = '.a: &a { script: y, x: *a }\njobs: { j: *a }';
    expect(issuesOf(text)).toEqual([
      error(
        pos(text, 'x:'),
        "jobs.j: unknown key 'x'. Allowed keys: stage, image, runs_on, script, needs, when, allow_failure, network, retry, timeout, variables, artifacts, reports, deploy.",
      ),
      error(pos(text, '*a'), 'jobs.j.x: alias *a refers to a value that contains it.'),
    ]);
  });

  it('never reads a template on its own', () => {
    expect(issuesOf('.broken: &b { nonsense: *nowhere }\njobs: { .also: [1], j: { script: y } }')).toEqual([]);
  });

  it('stops an alias bomb at the alias that sets it off', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      lines.push(
        `.a${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    const text = `${lines.join('\n').replace('a0:', '.a0:')}\njobs: { j: { script: *a8 } }`;
    const start = process.memoryUsage().heapUsed;
    const issues = issuesOf(text);
    expect(issues).toEqual([
      error(
        pos(text, '*a8'),
        `The config has more than ${LIMITS.nodes} values once aliases are expanded; an alias may not repeat a large anchor this many times.`,
      ),
    ]);
    expect(process.memoryUsage().heapUsed - start).toBeLessThan(200 * 1024 * 1024);
  });
});

describe('YAML syntax errors', () => {
  it.each([
    ['jobs:\n\tbuild: {}', '2:1', 'YAML syntax: Tabs are not allowed as indentation'],
    ['jobs: { a: { script: "unclosed } }', '1:35', 'YAML syntax: Missing closing "quote'],
    [
      'jobs: [a, b',
      '1:12',
      'YAML syntax: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ],
    ['jobs: { a: 1 }}', '1:15', 'YAML syntax: Unexpected flow-map-end token in YAML stream: "}"'],
    ['jobs: @x', '1:7', 'YAML syntax: Plain value cannot start with reserved character @'],
    [
      'jobs: {}\n---\njobs: {}\n',
      '2:1',
      'YAML syntax: Source contains multiple documents; please use YAML.parseAllDocuments()',
    ],
  ])('%j', (text, at, message) => {
    // The first error is the cause; YAML may add echoes of it after.
    expect(issuesOf(text)[0]).toEqual(error(at, message));
  });

  it('reports keys that are not text', () => {
    const text = 'jobs: { a: { script: x } }\n? [a, b]\n: c\n';
    expect(onlyIssue(text)).toEqual(error('2:3', 'config: keys must be plain text.'));
  });

  it('passes on YAML warnings, such as an unknown tag', () => {
    const text = 'jobs: { a: { script: !shell make } }';
    expect(parsePipelineConfig(text).issues).toEqual([
      { line: 1, column: 22, severity: 'warning', message: 'YAML: Unresolved tag: !shell' },
    ]);
  });
});

describe('inputs meant to break the parser', () => {
  const neverThrows = (text: string) => {
    const result = parsePipelineConfig(text);
    for (const i of result.issues) {
      expect(i.line).toBeGreaterThanOrEqual(1);
      expect(i.column).toBeGreaterThanOrEqual(1);
      expect(i.message).not.toBe('');
    }
    if (result.issues.some((i) => i.severity === 'error')) expect(result.config).toBeNull();
    else expect(result.config).not.toBeNull();
    return result;
  };

  it('survives random bytes', () => {
    const random = seeded(42);
    for (let n = 0; n < 300; n++) {
      const length = Math.floor(random() * 200);
      neverThrows(Array.from({ length }, () => String.fromCharCode(Math.floor(random() * 256))).join(''));
    }
  });

  it('survives random edits of a valid config', () => {
    const base =
      'stages: [build, test]\njobs:\n  a: { stage: build, script: [x], artifacts: { name: w, paths: [d] } }\n  b: { needs: [a], script: y, retry: { max: 1, when: [lost] } }\n';
    const alphabet = ' \n\t:-[]{},&*<>!|"\'#%@`?.0123456789abcdefxyz';
    const random = seeded(7);
    for (let n = 0; n < 500; n++) {
      const chars = [...base];
      for (let k = 0; k < 3; k++)
        chars.splice(
          Math.floor(random() * chars.length),
          Math.floor(random() * 3),
          alphabet[Math.floor(random() * alphabet.length)]!,
        );
      neverThrows(chars.join(''));
    }
  });

  it('refuses deep nesting with an issue instead of overflowing the stack', () => {
    expect(neverThrows(`jobs: ${'['.repeat(100_000)}${']'.repeat(100_000)}`).config).toBeNull();
    const deep = `jobs:\n  a:\n    script: x\n    variables:\n${Array.from({ length: 80 }, (_, i) => `${' '.repeat(6 + 2 * i)}k${i}:`).join('\n')} v\n`;
    expect(issuesOf(deep)[0]).toEqual(
      expect.objectContaining({
        severity: 'error',
        message: `The config is nested more than ${LIMITS.depth} levels deep.`,
      }),
    );
  });

  it('handles huge strings, and refuses texts over the size limit', () => {
    const long = 'x'.repeat(500_000);
    expect(configOf(`jobs: { a: { script: "${long}" } }`).jobs[0]?.script[0]).toHaveLength(500_000);
    expect(onlyIssue(`# ${'x'.repeat(LIMITS.textBytes)}\njobs: {}`)).toEqual(
      error('1:1', `The config is ${LIMITS.textBytes + 11} characters long; the limit is ${LIMITS.textBytes}.`),
    );
  });

  it('refuses input that is not text', () => {
    expect(onlyIssue(undefined as unknown as string)).toEqual(error('1:1', 'The config must be text.'));
  });

  it('reads keys as written, whatever YAML would make of them', () => {
    const config = configOf(yml`
      jobs:
        "on": { script: x }
        123: { script: x }
        "true": { script: x }
    `);
    expect(config.jobs.map((j) => j.name)).toEqual(['on', '123', 'true']);
  });
});
