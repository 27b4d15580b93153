// Test reports end to end with real runner processes: the runner collects the
// JUnit files a job's `reports.junit` names (also after a failure) and sends
// them before completing; the server parses and stores them, marks a test
// that failed then passed on the same commit as flaky and lists it, and lets a
// job whose only failures are quarantined tests pass, saying so in its log.
import fs from 'node:fs';
import path from 'node:path';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../tests/db';
import { startTestSystem, type PipelineRepo, type TestSystem } from '../../../tests/system';
import { createContext } from '../../api/context';
import { createCaller } from '../../api/root';
import { triggerRun } from '../run/trigger-run';
import { createUser, type PublicUser } from '../user/users';

/** Fake test suite: writes reports/$REPORT.xml; $FLAKY fails on attempt 1 only, each of $BROKEN always. */
const FAKE_TESTS = `set -eu
mkdir -p reports
status=0
out='<?xml version="1.0" encoding="UTF-8"?><testsuites name="jest tests"><testsuite name="cart" tests="3">'
for t in adds discount rounding; do
  case " \${BROKEN:-} " in *" $t "*) broken=1 ;; *) broken=0 ;; esac
  if [ "$t" = "\${FLAKY:-}" ] && [ "$CI_JOB_ATTEMPT" = 1 ] || [ $broken = 1 ]; then
    out="$out<testcase classname=\\"cart $t\\" name=\\"cart $t\\" time=\\"0.25\\"><failure>expected 90, got 100 in $t</failure></testcase>"
    status=1
  else
    out="$out<testcase classname=\\"cart $t\\" name=\\"cart $t\\" time=\\"0.01\\"/>"
  fi
done
printf '%s</testsuite></testsuites>\\n' "$out" > "reports/\${REPORT:-junit}.xml"
echo "tests done with status $status"
exit $status
`;

const FIXTURES = ['jest-junit.xml', 'pytest.xml', 'surefire.xml', 'go-junit-report.xml'];

let system: TestSystem;
let repo: PipelineRepo;
let developer: Awaited<ReturnType<typeof callerFor>>;
let viewer: Awaited<ReturnType<typeof callerFor>>;

function callerFor(user: PublicUser) {
  return createContext(system.services, null, async () => user).then(createCaller);
}

async function logOf(jobId: string, attempt: number) {
  return system.services.logs.read(jobId, attempt);
}

beforeAll(async () => {
  system = await startTestSystem();
  const fixtures = Object.fromEntries(
    FIXTURES.map((f) => [`fixtures/${f}`, fs.readFileSync(path.join('tests/fixtures/junit', f), 'utf8')]),
  );
  repo = await system.addRepo('shop', { 'README.md': 'shop', 'fake-tests.sh': FAKE_TESTS, ...fixtures });
  const db = system.db.prisma;
  developer = await callerFor(await createUser(db, { email: 'dev@example.com', role: 'developer' }));
  viewer = await callerFor(await createUser(db, { email: 'viewer@example.com', role: 'viewer' }));
  await system.startRunner({ name: 'r1', concurrency: 2 });
});
afterAll(() => system?.stop());

describe('reports from real test frameworks', () => {
  it('uploads and parses the reports of jest, pytest, Surefire and go-junit-report', async () => {
    const { run } = await repo.push(`stages: [test]
jobs:
  reports:
    stage: test
    script: ["ls fixtures"]
    reports: { junit: ["fixtures/*.xml", "missing/*.xml"] }
`);
    const done = await system.finished(run.id);
    const job = done.byName.reports!;
    expect(job.status).toBe('success');
    const reports = await system.db.prisma.testReport.findMany({ where: { jobId: job.id }, orderBy: { path: 'asc' } });
    expect(reports.map((r) => [r.path, r.tests, r.failures, r.skipped, r.error])).toEqual([
      ['fixtures/go-junit-report.xml', 4, 1, 1, null],
      ['fixtures/jest-junit.xml', 4, 1, 1, null],
      ['fixtures/pytest.xml', 5, 2, 1, null],
      ['fixtures/surefire.xml', 5, 2, 1, null],
    ]);
    const results = await system.db.prisma.testResult.findMany({
      where: { jobId: job.id },
      include: { testCase: true },
    });
    expect(results).toHaveLength(18);
    const byName = Object.fromEntries(results.map((r) => [`${r.testCase.suite} › ${r.testCase.name}`, r]));
    expect(byName['tests.test_db › test_connects']).toMatchObject({ status: 'error', durationMs: 10 });
    expect(byName['com.example.billing.InvoiceServiceTest › roundsHalfUp']!.message).toMatch(/^org\.opentest4j/);
    expect(byName['example.com/shop/cart › TestDiscount/ten_percent']).toMatchObject({ status: 'failed' });
    expect(byName['cart › cart ships abroad']).toMatchObject({ status: 'skipped' });
    expect(new Set(results.map((r) => r.commitSha))).toEqual(new Set([done.commitSha]));
    const log = await logOf(job.id, 1);
    expect(log).toContain('Test report fixtures/pytest.xml: 5 tests, 2 failed, 1 skipped\n');
    expect(log).toContain('Warning: reports.junit pattern missing/*.xml matched no file');
  });

  it('records a report that is not JUnit XML as an error, in the log and on the job, and keeps no results', async () => {
    const { run } = await repo.push(`stages: [test]
jobs:
  garbage:
    stage: test
    script: ["mkdir -p reports", "printf '<testsuite><testcase name=x>' > reports/bad.xml"]
    reports: { junit: reports/bad.xml }
`);
    const done = await system.finished(run.id);
    const job = done.byName.garbage!;
    expect(job.status).toBe('success');
    expect(await logOf(job.id, 1)).toMatch(
      /Test report reports\/bad\.xml could not be read: not well-formed XML at line 1/,
    );
    const [attempt] = await developer.tests.forJob({ jobId: job.id });
    expect(attempt).toMatchObject({ attempt: 1, passed: 0, failed: 0, reports: [{ path: 'reports/bad.xml' }] });
    expect(attempt!.reports[0]!.error).toMatch(/^not well-formed XML/);
    expect(await system.db.prisma.testResult.count({ where: { jobId: job.id } })).toBe(0);
  });
});

describe('flaky tests', () => {
  it('marks a test that fails and then passes on retry as flaky, and lists it', async () => {
    const { run, sha } = await repo.push(`stages: [test]
jobs:
  unit:
    stage: test
    variables: { FLAKY: discount }
    retry: { max: 2, when: [exit_code] }
    script: ["sleep 0.3", "sh fake-tests.sh"]
    reports: { junit: reports/*.xml }
`);
    const done = await system.finished(run.id);
    const job = done.byName.unit!;
    expect(job.status).toBe('success');
    expect(job.attemptCount).toBe(2);
    expect(await logOf(job.id, 1)).toContain('Test report reports/junit.xml: 3 tests, 1 failed, 0 skipped');

    const cases = await system.db.prisma.testCase.findMany({ where: { jobName: 'unit' }, orderBy: { name: 'asc' } });
    expect(cases.map((c) => [c.name, c.runs, c.failures, c.flakyCount, c.flakeRate])).toEqual([
      ['cart adds', 2, 0, 0, 0],
      ['cart discount', 2, 1, 1, 0.5],
      ['cart rounding', 2, 0, 0, 0],
    ]);
    const discount = cases[1]!;
    const firstAttempt = await system.db.prisma.jobAttempt.findFirstOrThrow({ where: { jobId: job.id, number: 1 } });
    expect(Number(discount.timeLostMs)).toBe(firstAttempt.finishedAt!.getTime() - firstAttempt.startedAt!.getTime());
    expect(Number(discount.timeLostMs)).toBeGreaterThanOrEqual(300);
    expect(discount.lastFlakyAt).not.toBeNull();

    const { tests, windowDays } = await viewer.tests.flaky({});
    expect(windowDays).toBe(30);
    expect(tests.map((t) => [t.suite, t.name, t.jobName, t.flakyCount, t.pipeline.repo.name])).toEqual([
      ['cart', 'cart discount', 'unit', 1, 'shop'],
    ]);

    const history = await viewer.tests.history({ id: discount.id });
    expect(history.results.map((r) => [r.attempt.number, r.status, r.commitSha, r.job.name])).toEqual([
      [2, 'passed', sha, 'unit'],
      [1, 'failed', sha, 'unit'],
    ]);
    expect(history.results[1]!.message).toBe('expected 90, got 100 in discount');
  });

  it('marks a test that failed on one run and passed on a re-run of the same commit, once per commit', async () => {
    // rounding fails in the first run of this commit only (its first attempt passes in the re-run).
    const pipeline = await system.db.prisma.pipeline.findFirst({ where: { repoId: repo.target.id } });
    const firstRun = pipeline?.nextRunNumber ?? 1;
    const { run, sha } = await repo.push(`stages: [test]
jobs:
  rerun:
    stage: test
    script:
      - 'if [ "$CI_RUN_NUMBER" = "${firstRun}" ]; then export BROKEN=rounding; fi'
      - sh fake-tests.sh
    reports: { junit: reports/*.xml }
`);
    expect(run.number).toBe(firstRun);
    const first = await system.finished(run.id);
    expect(first.byName.rerun!.status).toBe('failed');
    const rounding = () =>
      system.db.prisma.testCase.findFirstOrThrow({ where: { jobName: 'rerun', name: 'cart rounding' } });
    expect(await rounding()).toMatchObject({ runs: 1, failures: 1, flakyCount: 0, flakeRate: 0 });

    const rerun = async () => {
      const again = await triggerRun(system.services, {
        repo: repo.target,
        trigger: 'push',
        sha,
        branch: 'main',
        actor: 'dev',
      });
      if (again.outcome !== 'run_created') throw new Error(again.reason);
      return system.finished(again.run.id);
    };
    expect((await rerun()).byName.rerun!.status).toBe('success');
    expect(await rounding()).toMatchObject({ runs: 2, failures: 1, flakyCount: 1, flakeRate: 0.5 });
    // A person retries the failed job (it fails again: same run number), and another re-run
    // passes: the commit still counts once.
    await developer.jobs.retry({ id: first.byName.rerun!.id });
    await waitForAttempts(first.byName.rerun!.id, 2);
    expect((await rerun()).byName.rerun!.status).toBe('success');
    expect(await rounding()).toMatchObject({ runs: 4, failures: 2, flakyCount: 1, flakeRate: 0.25 });
  });
});

async function waitForAttempts(jobId: string, count: number) {
  await waitFor(
    async () => {
      const job = await system.db.prisma.job.findFirst({ where: { id: jobId } });
      return job?.attemptCount === count && job.finishedAt ? job : null;
    },
    { what: `job ${jobId} to finish attempt ${count}`, timeoutMs: 30_000 },
  );
}

describe('quarantine', () => {
  const config = (broken: string) => `stages: [test]
jobs:
  suite:
    stage: test
    variables: { BROKEN: "${broken}" }
    script: ["sh fake-tests.sh"]
    reports: { junit: reports/*.xml }
`;

  it('lets a job pass when only quarantined tests failed, and says so in its log and status', async () => {
    const before = await system.finished((await repo.push(config('rounding'))).run.id);
    expect(before.byName.suite).toMatchObject({ status: 'failed', statusReason: 'exited with code 1' });
    const rounding = await system.db.prisma.testCase.findFirstOrThrow({
      where: { jobName: 'suite', name: 'cart rounding' },
    });

    const refused = await viewer.tests.quarantine({ id: rounding.id, reason: 'flaky clock' }).catch((e) => e);
    expect(refused).toBeInstanceOf(TRPCError);
    expect((refused as TRPCError).code).toBe('FORBIDDEN');
    await developer.tests.quarantine({ id: rounding.id, reason: 'depends on the wall clock; #123' });
    const stored = await system.db.prisma.testCase.findUniqueOrThrow({ where: { id: rounding.id } });
    expect(stored).toMatchObject({
      quarantinedBy: 'dev@example.com',
      quarantineReason: 'depends on the wall clock; #123',
    });

    const after = await system.finished((await repo.push(config('rounding'))).run.id);
    const job = after.byName.suite!;
    expect(after.status).toBe('success');
    expect(job).toMatchObject({
      status: 'success',
      exitCode: 1,
      statusReason: 'exited with code 1, but only quarantined test failed (cart › cart rounding): ignored',
    });
    const log = await logOf(job.id, 1);
    expect(log).toContain(
      'Test report reports/junit.xml: 3 tests, 1 failed, 0 skipped; quarantined: cart › cart rounding',
    );
    expect(log).toContain('Only quarantined tests failed (1): cart › cart rounding.');
    expect(log.trimEnd().endsWith('the job passes although the script exited with code 1.')).toBe(true);
    const [tests] = await viewer.tests.forJob({ jobId: job.id });
    expect(tests!.failures).toMatchObject([{ name: 'cart rounding', quarantined: true }]);
    expect((await viewer.tests.flaky({ quarantined: 'only' })).tests.map((t) => t.name)).toEqual(['cart rounding']);
  });

  it('still fails the job when another test failed too, or a report could not be read', async () => {
    const both = await system.finished((await repo.push(config('rounding adds'))).run.id);
    expect(both.byName.suite).toMatchObject({ status: 'failed', statusReason: 'exited with code 1' });

    // rounding alone would be ignored, but another report could not be read: it might hide a failure.
    const broken = await system.finished(
      (
        await repo.push(`stages: [test]
jobs:
  suite:
    stage: test
    variables: { BROKEN: rounding }
    script: ["mkdir -p reports", "echo nope > reports/other.xml", "sh fake-tests.sh"]
    reports: { junit: reports/*.xml }
`)
      ).run.id,
    );
    expect(broken.byName.suite).toMatchObject({ status: 'failed', statusReason: 'exited with code 1' });
    expect(await logOf(broken.byName.suite!.id, 1)).toContain('Test report reports/other.xml could not be read');
  });

  it('fails the job again once the test is released', async () => {
    const rounding = await system.db.prisma.testCase.findFirstOrThrow({
      where: { jobName: 'suite', name: 'cart rounding' },
    });
    await developer.tests.release({ id: rounding.id });
    const again = await developer.tests.release({ id: rounding.id }).catch((e) => e);
    expect((again as TRPCError).code).toBe('CONFLICT');
    expect(await system.db.prisma.testCase.findUniqueOrThrow({ where: { id: rounding.id } })).toMatchObject({
      quarantinedAt: null,
      releasedBy: 'dev@example.com',
    });
    const done = await system.finished((await repo.push(config('rounding'))).run.id);
    expect(done.byName.suite).toMatchObject({ status: 'failed', statusReason: 'exited with code 1' });
  });
});

describe('automatic quarantine', () => {
  it('quarantines a test whose flake rate reaches the configured threshold, once it ran often enough', async () => {
    system.services.flaky = { rate: 0.5, minRuns: 2 };
    try {
      const { run } = await repo.push(`stages: [test]
jobs:
  auto:
    stage: test
    variables: { FLAKY: adds }
    retry: { max: 1, when: [exit_code] }
    script: ["sh fake-tests.sh"]
    reports: { junit: reports/*.xml }
`);
      expect((await system.finished(run.id)).byName.auto!.status).toBe('success');
      const cases = await system.db.prisma.testCase.findMany({ where: { jobName: 'auto' }, orderBy: { name: 'asc' } });
      expect(cases.map((c) => [c.name, c.flakeRate, c.quarantinedBy])).toEqual([
        ['cart adds', 0.5, 'automatic'],
        ['cart discount', 0, null],
        ['cart rounding', 0, null],
      ]);
      expect(cases[0]!.quarantineReason).toBe(
        'flake rate 50.0% over 2 runs reached the automatic quarantine threshold of 50.0%',
      );
    } finally {
      system.services.flaky = undefined;
    }
  });
});
