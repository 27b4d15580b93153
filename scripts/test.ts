// `npm test`: the whole suite, in the order that fails fastest: types, lint,
// unit and integration tests (vitest, real PostgreSQL), then the end-to-end
// tests (Playwright, real Chromium, the system started as `npm start` does),
// then a smoke run of the benchmarks (`npm run bench -- --quick`: every
// scenario runs against the real system; nothing is asserted about speed).
// Ends with one line counting every test: "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';

interface Step {
  name: string;
  command: string[];
}

const steps: Step[] = [
  { name: 'typecheck', command: ['npx', 'tsc', '--noEmit'] },
  { name: 'lint', command: ['npx', 'eslint', '.', '--max-warnings', '0'] },
  {
    name: 'unit + integration',
    command: [
      'npx',
      'vitest',
      'run',
      '--reporter=default',
      '--reporter=json',
      '--outputFile.json=test-results/vitest.json',
    ],
  },
  { name: 'e2e', command: ['npx', 'playwright', 'test'] },
  { name: 'bench smoke', command: ['npx', 'tsx', 'bench/run.ts', '--quick'] },
];

fs.mkdirSync('test-results', { recursive: true });
for (const f of ['test-results/vitest.json', 'test-results/e2e.json']) fs.rmSync(f, { force: true });

const timings: string[] = [];
let failedStep: string | undefined;
for (const step of steps) {
  const started = Date.now();
  process.stdout.write(`\n── ${step.name} ──\n`);
  const r = spawnSync(step.command[0]!, step.command.slice(1), {
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  timings.push(`${step.name} ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (r.status !== 0) {
    failedStep = step.name;
    break;
  }
}

function counts(): { passed: number; failed: number; skipped: number } {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  try {
    const v = JSON.parse(fs.readFileSync('test-results/vitest.json', 'utf8')) as Record<string, number>;
    passed += v.numPassedTests ?? 0;
    failed += v.numFailedTests ?? 0;
    skipped += (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0);
  } catch {
    // the step did not run
  }
  try {
    const e = JSON.parse(fs.readFileSync('test-results/e2e.json', 'utf8')) as { stats: Record<string, number> };
    passed += (e.stats.expected ?? 0) + (e.stats.flaky ?? 0);
    failed += e.stats.unexpected ?? 0;
    skipped += e.stats.skipped ?? 0;
  } catch {
    // the step did not run
  }
  // The bench smoke is one test: every scenario ran without an error.
  if (timings.some((t) => t.startsWith('bench smoke'))) {
    if (failedStep === 'bench smoke') failed += 1;
    else passed += 1;
  }
  return { passed, failed, skipped };
}

const c = counts();
process.stdout.write(`\n${timings.join(' · ')}\n`);
if (failedStep) process.stdout.write(`failed at: ${failedStep}\n`);
process.stdout.write(
  `tests: ${c.passed} passed, ${c.failed + (failedStep && c.failed === 0 ? 1 : 0)} failed, ${c.skipped} skipped\n`,
);
process.exit(failedStep ? 1 : 0);
