// A flaky test as a developer meets it: a job's test fails on its first
// attempt and passes on the retry; the Flaky tests page lists it with its
// rate; its history shows both results on the same commit; the developer
// quarantines it with a reason, and the next run whose only failure is that
// test passes, its job page saying the failure was ignored.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { adminApi, signIn } from './session';

const shots = 'test-results/screenshots';

/** A fake test suite: `discount` fails on attempt 1 unless ALWAYS_FAIL is set, then it always fails. */
const FAKE_TESTS = `set -eu
mkdir -p reports
status=0
out='<?xml version="1.0" encoding="UTF-8"?><testsuites name="jest tests"><testsuite name="cart" tests="2">'
for t in adds discount; do
  if [ "$t" = discount ] && { [ "$CI_JOB_ATTEMPT" = 1 ] || [ -n "\${ALWAYS_FAIL:-}" ]; }; then
    out="$out<testcase classname=\\"cart $t\\" name=\\"cart $t\\" time=\\"0.4\\"><failure>expected 90, got 100</failure></testcase>"
    status=1
  else
    out="$out<testcase classname=\\"cart $t\\" name=\\"cart $t\\" time=\\"0.01\\"/>"
  fi
done
printf '%s</testsuite></testsuites>\\n' "$out" > reports/junit.xml
exit $status
`;

const pipeline = (alwaysFail: boolean) => `stages: [test]
jobs:
  unit:
    stage: test
    variables: { ALWAYS_FAIL: "${alwaysFail ? '1' : ''}" }
    retry: { max: 1, when: [exit_code] }
    script: ["sh fake-tests.sh"]
    reports: { junit: reports/*.xml }
`;

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'E2E',
  GIT_AUTHOR_EMAIL: 'e2e@e2e.test',
  GIT_COMMITTER_NAME: 'E2E',
  GIT_COMMITTER_EMAIL: 'e2e@e2e.test',
};

function commit(dir: string, files: Record<string, string>) {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  execFileSync('git', ['add', '-A'], { cwd: dir, env: gitEnv });
  execFileSync('git', ['commit', '-q', '-m', 'change'], { cwd: dir, env: gitEnv });
}

test('a flaky test is listed, its history read, and once quarantined its failure no longer fails the job', async ({
  page,
  request,
  browser,
}) => {
  test.setTimeout(180_000);
  fs.mkdirSync(shots, { recursive: true });
  const api = await adminApi(request, 'e2e-flaky');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-flaky-repo-'));
  fs.chmodSync(dir, 0o755);
  execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: dir, env: gitEnv });
  commit(dir, { 'fake-tests.sh': FAKE_TESTS, '.ci/pipeline.yml': pipeline(false) });
  await api.call('repos.create', { name: 'flaky-shop', cloneUrl: dir });

  const finished = async (runId: string) => {
    await expect
      .poll(async () => (await api.query('runs.get', { id: runId })).status, { timeout: 60_000 })
      .toMatch(/success|failed/);
    return api.query('runs.get', { id: runId });
  };

  // The first run: discount fails, the retry passes.
  const first = await api.call('runs.trigger', { repo: 'flaky-shop' });
  expect((await finished(first.id)).status).toBe('success');

  await signIn(page);
  await page.getByRole('link', { name: 'Flaky tests' }).click();
  await expect(page.getByRole('heading', { name: 'Flaky tests', level: 1 })).toBeVisible();
  const row = page.getByTestId('flaky-test').filter({ hasText: 'cart discount' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('50%');
  await expect(row).toContainText('1 / 2');
  await expect(page.getByTestId('flaky-test').filter({ hasText: 'cart adds' })).toHaveCount(0);
  await page.screenshot({ path: `${shots}/flaky-tests.png`, fullPage: true });

  // Its history: failed on attempt 1, passed on attempt 2, the same commit.
  await row.getByRole('link', { name: 'cart discount' }).click();
  await expect(page).toHaveURL(/\/tests\/[0-9a-f-]{36}$/);
  const results = page.getByTestId('test-result');
  await expect(results).toHaveCount(2);
  await expect(results.nth(0)).toContainText('passed');
  await expect(results.nth(1)).toContainText('failed');
  await expect(results.nth(1)).toContainText('expected 90, got 100');
  await page.screenshot({ path: `${shots}/flaky-test-history.png`, fullPage: true });

  // Quarantine it, with a reason.
  await page.getByRole('button', { name: 'Quarantine cart discount' }).click();
  await page.getByLabel(/Why/).fill('Depends on the exchange-rate mock; tracked in #42');
  await page.getByRole('dialog').getByRole('button', { name: 'Quarantine' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('quarantined');
  await expect(page.getByText('Depends on the exchange-rate mock; tracked in #42')).toBeVisible();

  // The next change breaks discount for good: the job still passes, and says why.
  commit(dir, { '.ci/pipeline.yml': pipeline(true) });
  const second = await api.call('runs.trigger', { repo: 'flaky-shop' });
  const done = await finished(second.id);
  expect(done.status).toBe('success');
  const unit = (done.jobs as { id: string; name: string }[]).find((j) => j.name === 'unit')!;
  await page.goto(`/jobs/${unit.id}`);
  await expect(page.getByText(/only quarantined test failed \(cart › cart discount\): ignored/)).toBeVisible();
  const tests = page.getByTestId('job-tests');
  await expect(tests.getByTestId('failed-test')).toContainText('quarantined · ignored');
  await expect(page.getByTestId('log-line').filter({ hasText: 'Only quarantined tests failed (1)' })).toBeVisible({
    timeout: 20_000,
  });
  await page.screenshot({ path: `${shots}/job-quarantined-test.png`, fullPage: true });

  // The offenders list on a phone, dark.
  const baseURL = test.info().project.use.baseURL!;
  const phone = await browser.newContext({ baseURL, viewport: { width: 390, height: 844 } });
  await phone.addCookies([{ name: 'theme', value: 'dark', url: baseURL }]);
  const small = await phone.newPage();
  await signIn(small);
  await small.goto('/tests');
  await expect(small.getByTestId('flaky-test').filter({ hasText: 'cart discount' })).toContainText('quarantined');
  await small.screenshot({ path: `${shots}/flaky-tests-phone-dark.png`, fullPage: true });
  await phone.close();
});
