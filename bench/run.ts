// `npm run bench [-- --quick] [--only trigger,e2e]`: starts Switchyard the way
// `npm start` does, runs each scenario against it, prints a table with the
// targets and ratios, and writes bench/results.json (every figure, the
// machine, the versions, the date). See docs/benchmarks.md.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { rawClient, startBenchSystem } from './harness/system';
import type { Scenario, ScenarioResult } from './harness/scenario';
import { printTable, type Figure } from './harness/stats';
import { scenarios } from './scenarios';
import { peakFigures } from './scenarios/footprint';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, out: { type: 'string' } },
});
const quick = values.quick ?? false;
const only = values.only?.split(',').map((s) => s.trim());
const chosen: Scenario[] = only ? scenarios.filter((s) => only.includes(s.id)) : scenarios;
const started = Date.now();
const log = (line: string) =>
  console.log(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}`);

const system = await startBenchSystem(log);
const results: Record<string, ScenarioResult | { error: string }> = {};
const figures: Figure[] = [];
let failed = false;
try {
  for (const s of chosen) {
    log(`${s.id}: ${s.title}`);
    try {
      const r = await s.run({ system, quick, log });
      results[s.id] = r;
      figures.push(...r.figures);
    } catch (err) {
      failed = true;
      results[s.id] = { error: (err as Error).stack ?? String(err) };
      log(`${s.id} FAILED: ${(err as Error).message}`);
    }
  }
} finally {
  if (chosen.some((s) => s.id === 'footprint')) figures.push(...peakFigures());
  const db = await rawClient(system.dbUrl);
  const pgVersion = (await db.query<{ version: string }>('SELECT version()')).rows[0]!.version;
  await db.end();
  await system.stop();
  const pkg = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'package.json'), 'utf8')) as {
    version: string;
    dependencies: Record<string, string>;
  };
  const report = {
    date: new Date().toISOString(),
    quick,
    durationSeconds: Math.round((Date.now() - started) / 1000),
    machine: {
      cores: os.cpus().length,
      cpu: os.cpus()[0]?.model,
      memoryGiB: +(os.totalmem() / 1024 ** 3).toFixed(1),
      platform: `${os.platform()} ${os.release()}`,
    },
    versions: {
      switchyard: pkg.version,
      node: process.version,
      postgres: pgVersion,
      next: pkg.dependencies.next,
      'pg-boss': pkg.dependencies['pg-boss'],
      prisma: pkg.dependencies['@prisma/client'],
      trpc: pkg.dependencies['@trpc/server'],
    },
    figures,
    scenarios: results,
  };
  const out = values.out ?? path.join(import.meta.dirname, quick ? 'results.quick.json' : 'results.json');
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\n${printTable(figures)}\n`);
  console.log(
    `${figures.length} figures from ${chosen.length} scenarios in ${report.durationSeconds} s; written to ${path.relative(process.cwd(), out)}`,
  );
}
process.exit(failed ? 1 : 0);
