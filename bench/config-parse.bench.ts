// Parses a generated 500-job config and builds its DAG 50 times; prints the
// median and p95. Beside it, the same statistics for the yaml library's
// parseDocument alone (measured interleaved, so machine noise hits both alike)
// show how much of the time is ours. Not part of the test suite.
//
//   npx tsx bench/config-parse.bench.ts [jobs=500] [runs=50]
import { performance } from 'node:perf_hooks';
import { LineCounter, parseDocument } from 'yaml';
import { buildDag } from '../server/domain/pipeline-config/dag';
import { parsePipelineConfig } from '../server/domain/pipeline-config/parse';
import { generateConfig } from '../server/domain/pipeline-config/testing';

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

function yamlOnly(): void {
  parseDocument(text, { lineCounter: new LineCounter(), merge: true, uniqueKeys: false, prettyErrors: false });
}

function stats(samples: number[]): string {
  const ms = [...samples].sort((a, b) => a - b);
  const at = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)]!.toFixed(2);
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms`;
}

// Warm-up: let the JIT compile both paths before measuring.
for (let i = 0; i < 10; i++) {
  parseAndBuild();
  yamlOnly();
}
const total: number[] = [];
const yaml: number[] = [];
for (let i = 0; i < runs; i++) {
  total.push(time(parseAndBuild));
  yaml.push(time(yamlOnly));
}
const { config } = parsePipelineConfig(text);
console.log(`${jobs} jobs, ${text.length} bytes, ${buildDag(config!).edges.length} edges, ${runs} runs`);
console.log(`parse + DAG:                ${stats(total)}`);
console.log(`yaml parseDocument alone:   ${stats(yaml)}`);
