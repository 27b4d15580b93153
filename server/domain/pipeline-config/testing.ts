// Helpers for the tests and the benchmark (bench/config-parse.bench.ts); the
// parser never imports this file.
import { parsePipelineConfig } from './parse';
import type { ConfigIssue } from './issues';
import type { PipelineConfig } from './model';

/**
 * A template tag for YAML in tests: drops the first line break and the common
 * indentation, so `line` and `column` in assertions match what the test shows.
 */
export function yml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const text = String.raw({ raw: strings }, ...values).replace(/^\n/, '');
  const lines = text.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

/** Issues as `{ at: 'line:column', severity, message }`, to compare a whole list in one assertion. */
export function issuesOf(text: string): { at: string; severity: ConfigIssue['severity']; message: string }[] {
  return parsePipelineConfig(text).issues.map((i) => ({
    at: `${i.line}:${i.column}`,
    severity: i.severity,
    message: i.message,
  }));
}

/** The one error of `text` (fails when there is not exactly one issue). */
export function onlyIssue(text: string): { at: string; severity: ConfigIssue['severity']; message: string } {
  const list = issuesOf(text);
  if (list.length !== 1) throw new Error(`expected exactly one issue, got ${JSON.stringify(list, null, 2)}`);
  return list[0]!;
}

/** The resolved config of a text that must have no errors. */
export function configOf(text: string): PipelineConfig {
  const { config, issues } = parsePipelineConfig(text);
  if (!config) throw new Error(`expected a valid config, got ${JSON.stringify(issues, null, 2)}`);
  return config;
}

/** A deterministic pseudo-random generator (mulberry32). */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STAGES = ['prepare', 'build', 'test', 'package', 'deploy'];

/**
 * A valid config with `count` jobs over five stages: about half with explicit
 * needs (1 to 3 jobs of the same or earlier stages, declared before them), the
 * rest waiting for earlier stages; build jobs produce artifacts, deploy jobs roll
 * them out.
 */
export function generateConfig(count: number, seed = 1): string {
  const random = seeded(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const out = [
    `stages: [${STAGES.join(', ')}]`,
    'variables: { CI: "true" }',
    'default: { image: node:20, timeout: 20m }',
    'jobs:',
  ];
  const declared: { name: string; stage: number; artifact?: string }[] = [];
  for (let i = 0; i < count; i++) {
    const stage = Math.min(STAGES.length - 1, Math.floor((i / count) * STAGES.length));
    const name = `${STAGES[stage]}-${i}`;
    out.push(`  ${name}:`, `    stage: ${STAGES[stage]}`);
    const earlier = declared.filter((d) => d.stage <= stage);
    const needs = new Set<string>();
    if (earlier.length > 0 && random() < 0.5)
      for (let n = 1 + Math.floor(random() * 3); n > 0; n--) needs.add(pick(earlier).name);
    const artifacts = declared.filter((d) => d.artifact && d.stage < stage);
    if (stage === STAGES.length - 1 && artifacts.length > 0) {
      const from = pick(artifacts);
      needs.add(from.name);
      out.push(
        `    needs: [${[...needs].join(', ')}]`,
        `    deploy: { environment: env-${i}, artifact: ${from.artifact}, strategy: canary }`,
      );
    } else {
      if (needs.size > 0) out.push(`    needs: [${[...needs].join(', ')}]`);
      out.push('    script:', '      - echo start', `      - make target-${i}`);
      if (random() < 0.3) out.push('    retry: { max: 2, when: [exit_code, lost] }');
    }
    const artifact = stage === 1 ? `art-${i}` : undefined;
    if (artifact) out.push(`    artifacts: { name: ${artifact}, paths: [dist/${i}/], expire_in: 7d }`);
    declared.push({ name, stage, artifact });
  }
  return `${out.join('\n')}\n`;
}

/** `line:column` of the `nth` occurrence of `needle` in `text`: where an issue must point. */
export function pos(text: string, needle: string, nth = 1): string {
  let index = -1;
  for (let i = 0; i < nth; i++) {
    index = text.indexOf(needle, index + 1);
    if (index === -1) throw new Error(`'${needle}' occurs fewer than ${nth} times in the text`);
  }
  const before = text.slice(0, index).split('\n');
  return `${before.length}:${before[before.length - 1]!.length + 1}`;
}
