// Parses a generated 500-job config and builds its DAG 50 times; prints the
// median and p95. Beside it, the same statistics for js-yaml's load alone (the
// YAML library the parser reads such a config with; measured interleaved, so
// machine noise hits both alike) show how much of the time is ours. Last, on its
// own so that its garbage does not land in the other samples, the yaml package's
// parseDocument: the exact reader the parser falls back on for broken YAML.
// Not part of the test suite.
//
//   npx tsx bench/config-parse.bench.ts [jobs=500] [runs=50]
import { performance } from 'node:perf_hooks';
import { FAILSAFE_SCHEMA, load } from 'js-yaml';
import { LineCounter, parseDocument } from 'yaml';
import { buildDag } from '../server/domain/pipeline-config/dag';
import { parsePipelineConfig } from '../server/domain/pipeline-config/parse';
import { generateConfig } from '../server/domain/pipeline-config/testing';
import { readFast } from '../server/domain/pipeline-config/yaml-fast';

const jobs = Number(process.argv[2] ?? 500);
const runs = Number(process.argv[3] ?? 50);
const text = generateConfig(jobs);

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

function parseAndBuild(): void {
  const { config, issues } = parsePipelineConfig(text);
  if (!config) throw new Error(`the generated config is invalid: ${JSON.stringify(issues.slice(0, 3))}`);
  buildDag(config);
}

function jsYamlOnly(): void {
  load(text, { schema: FAILSAFE_SCHEMA });
}

function yamlOnly(): void {
  parseDocument(text, { lineCounter: new LineCounter(), merge: true, uniqueKeys: false, prettyErrors: false });
}

function stats(samples: number[]): string {
  const ms = [...samples].sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!.toFixed(2);
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms`;
}

if (!readFast(text)) throw new Error('the fast reader does not read the generated config');
// Warm-up: let the JIT compile every path before measuring.
for (let i = 0; i < 10; i++) {
  parseAndBuild();
  jsYamlOnly();
  yamlOnly();
}
const total: number[] = [];
const jsYaml: number[] = [];
for (let i = 0; i < runs; i++) {
  total.push(time(parseAndBuild));
  jsYaml.push(time(jsYamlOnly));
}
const yaml = Array.from({ length: runs }, () => time(yamlOnly));
const { config } = parsePipelineConfig(text);
console.log(`${jobs} jobs, ${text.length} bytes, ${buildDag(config!).edges.length} edges, ${runs} runs`);
console.log(`parse + DAG:                ${stats(total)}`);
console.log(`js-yaml load alone:         ${stats(jsYaml)}`);
console.log(`yaml parseDocument alone:   ${stats(yaml)} (the exact reader, for broken YAML)`);
