// A release as the people involved live it: the demo pipeline deploys to
// staging by itself and waits for a deployer before production. A viewer sees
// it wait but cannot approve (and the API refuses them); a deployer approves,
// watches the canary's health windows, ships a second version, then rolls
// production back to the first with a reason the history keeps.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect, test, type APIRequestContext, type Browser, type Page } from '@playwright/test';
import { E2E_ADMIN } from '../playwright.config';

const shots = 'test-results/screenshots';
/** A rollout: instances start, then one or two 5 s health windows. */
const ROLLOUT_MS = 90_000;
/** A demo run from trigger until production waits for approval (~30–40 s), with room. */
const UNTIL_APPROVAL_MS = 120_000;

interface Person {
  email: string;
  password: string;
}

async function api(request: APIRequestContext, token: string | null, procedure: string, input: unknown) {
  const res = await request.post(`/api/trpc/${procedure}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    data: { json: input },
  });
  const body = await res.json();
  expect(res.ok(), `${procedure}: ${JSON.stringify(body)}`).toBe(true);
  return body.result.data.json;
}

async function signedIn(browser: Browser, who: Person, options: { dark?: boolean; phone?: boolean } = {}) {
  const baseURL = test.info().project.use.baseURL!;
  const context = await browser.newContext({
    baseURL,
    ...(options.phone && { viewport: { width: 390, height: 844 } }),
  });
  if (options.dark) await context.addCookies([{ name: 'theme', value: 'dark', url: baseURL }]);
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible();
  return page;
}

function environment(page: Page, name: 'staging' | 'production') {
  return page.getByRole('region', { name, exact: true });
}

/** A change a developer pushes: the second run deploys another commit, so the rollback is visible in the sha. */
function commitToDemo(message: string) {
  const repo = path.join(process.env.E2E_DATA_DIR!, 'demo-repo');
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'E2E',
    GIT_AUTHOR_EMAIL: 'e2e@e2e.test',
    GIT_COMMITTER_NAME: 'E2E',
    GIT_COMMITTER_EMAIL: 'e2e@e2e.test',
  };
  execFileSync('git', ['commit', '-q', '--allow-empty', '-m', message], { cwd: repo, env });
  return execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo, encoding: 'utf8' }).trim();
}

test('deploy to staging and production: approve, watch the canary, roll back', async ({ browser, request }) => {
  test.setTimeout(300_000);
  const started = Date.now();
  const lap = (what: string) =>
    console.log(`[deploy-journey] ${((Date.now() - started) / 1000).toFixed(1)} s: ${what}`);

  const login = await api(request, null, 'auth.login', { ...E2E_ADMIN, tokenName: 'e2e-deploy' });
  const adminToken = login.token as string;
  const stamp = Date.now();
  const viewer = { email: `viewer-${stamp}@e2e.test`, password: 'viewer-password' };
  const deployer = { email: `deployer-${stamp}@e2e.test`, password: 'deployer-password' };
  await api(request, adminToken, 'users.create', { ...viewer, role: 'viewer' });
  await api(request, adminToken, 'users.create', { ...deployer, role: 'deployer' });

  // a. The admin runs the demo pipeline; staging deploys, production waits for a deployer.
  const admin = await signedIn(browser, E2E_ADMIN);
  await admin.getByRole('button', { name: 'Run pipeline' }).click();
  const form = admin.getByRole('form', { name: 'Run pipeline' });
  await form.getByLabel('Repository').selectOption('demo');
  await form.getByRole('button', { name: 'Run' }).click();
  await expect(admin).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const run1 = admin.url().split('/').pop()!;
  lap(`run 1 started (${run1})`);

  await admin.getByRole('link', { name: 'Deployments' }).click();
  await expect(admin.getByRole('heading', { name: 'Deployments', level: 1 })).toBeVisible();
  const waiting1 = environment(admin, 'production').locator(
    `[data-testid="waiting-deployment"][data-run-id="${run1}"]`,
  );
  await expect(waiting1).toBeVisible({ timeout: UNTIL_APPROVAL_MS });
  await expect(waiting1).toContainText('waiting for approval (0 of 1)');
  await expect(waiting1).toContainText('You started this run'); // the admin may not approve their own run
  const staging1 = environment(admin, 'staging').locator(`[data-testid="deployment-row"][data-run-id="${run1}"]`);
  await expect(staging1).toHaveAttribute('data-status', 'success');
  await expect(environment(admin, 'staging').getByTestId('serving')).toHaveAttribute('data-run-id', run1);
  const dep1 = (await waiting1.getAttribute('data-id'))!;
  lap('production waits for approval; staging serves run 1');
  await admin.screenshot({ path: `${shots}/deploy-waiting.png`, fullPage: true });
  // The run waits at the gate too: its production job is queued, saying why.
  await admin.goto(`/runs/${run1}`);
  await expect(admin.locator('[data-testid="dag-node"][data-job="deploy-production"]')).toHaveAttribute(
    'data-status',
    'queued',
  );
  await expect(admin.getByRole('row', { name: /deploy-production/ })).toContainText('waiting for approval');
  await admin.screenshot({ path: `${shots}/deploy-run-waiting.png`, fullPage: true });

  // b. A viewer sees what waits but has no button, and the API refuses them.
  const watcher = await signedIn(browser, viewer);
  await watcher.goto('/deployments');
  await expect(
    environment(watcher, 'production').locator(`[data-testid="waiting-deployment"][data-id="${dep1}"]`),
  ).toBeVisible();
  await expect(environment(watcher, 'production')).toContainText('A deployer approves or rejects');
  await expect(watcher.getByRole('button', { name: /Approve|Reject|Roll back/ })).toHaveCount(0);
  await watcher.screenshot({ path: `${shots}/deploy-viewer-waiting.png`, fullPage: true });
  const refused = await watcher.request.post('/api/trpc/deployments.approve', { data: { json: { id: dep1 } } });
  expect(refused.status()).toBe(403);
  expect(JSON.stringify(await refused.json())).toContain('FORBIDDEN');
  await watcher.context().close();

  // c. The deployer approves: production rolls out and serves run 1, its health checks passed.
  const page = await signedIn(browser, deployer);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto('/deployments');
  const production = environment(page, 'production');
  await production
    .locator(`[data-testid="waiting-deployment"][data-id="${dep1}"]`)
    .getByRole('button', { name: 'Approve' })
    .click();
  const rollout1 = production.locator(`[data-testid="rollout"][data-id="${dep1}"]`);
  await expect(rollout1).toBeVisible({ timeout: ROLLOUT_MS });
  await expect(rollout1.getByTestId('health-chart')).toBeVisible();
  await page.screenshot({ path: `${shots}/deploy-first-rollout.png`, fullPage: true });
  lap('approved; the first rollout is under way');
  await expect(production.getByTestId('serving')).toHaveAttribute('data-id', dep1, { timeout: ROLLOUT_MS });
  await expect(production.getByTestId('serving-checks')).toContainText('health checks passed');
  await expect(production.getByTestId('health-now')).toBeVisible();
  await page.screenshot({ path: `${shots}/deploy-first-live.png`, fullPage: true });
  lap('production serves run 1');

  // d. A second commit, a second run, a second approval: a canary this time, 25 % then 100 %.
  const sha2 = commitToDemo('Second release of the demo (e2e)');
  const run2 = (await api(request, adminToken, 'runs.trigger', { repo: 'demo' })).id as string;
  lap(`run 2 started (${run2}, ${sha2.slice(0, 7)})`);
  const waiting2 = production.locator(`[data-testid="waiting-deployment"][data-run-id="${run2}"]`);
  await expect(waiting2).toBeVisible({ timeout: UNTIL_APPROVAL_MS });
  const dep2 = (await waiting2.getAttribute('data-id'))!;
  await waiting2.getByRole('button', { name: 'Approve' }).click();
  const rollout2 = production.locator(`[data-testid="rollout"][data-id="${dep2}"]`);
  await expect(rollout2.getByTestId('traffic-percent')).toHaveText('25 % of traffic', { timeout: ROLLOUT_MS });
  await expect(rollout2.locator('[data-testid="health-point"][data-verdict="pass"]').first()).toBeVisible({
    timeout: 30_000,
  });
  await page.screenshot({ path: `${shots}/deploy-canary.png`, fullPage: true });
  lap('the canary passed its first window');
  await expect(production.getByTestId('serving')).toHaveAttribute('data-id', dep2, { timeout: ROLLOUT_MS });
  await expect(production.getByTestId('serving')).toContainText(sha2.slice(0, 7));
  await expect(production.getByTestId('serving-checks')).toContainText('health checks passed (2 health windows)');
  lap('production serves run 2');

  // e. Roll production back to the first deployment, saying why.
  const reason = `e2e ${stamp}: checking the way back`;
  const row1 = production.locator(`[data-testid="deployment-row"][data-id="${dep1}"]`);
  await row1.getByRole('button', { name: 'Roll back to this' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Roll production back to');
  await dialog.getByLabel(/Reason/).fill(reason);
  await dialog.getByRole('button', { name: 'Roll back', exact: true }).click();
  await expect(dialog).toBeHidden();
  const serving = production.getByTestId('serving');
  await expect(serving).toHaveAttribute('data-rollback-of', dep1, { timeout: ROLLOUT_MS });
  await expect(serving).toHaveAttribute('data-run-id', run1);
  await expect(serving).toContainText(`rolled back by ${deployer.email}: ${reason}`);
  const rollbackRow = production.locator(`[data-testid="deployment-row"][data-rollback-of="${dep1}"]`);
  await expect(rollbackRow).toHaveAttribute('data-status', 'success');
  await expect(rollbackRow).toContainText(`rolled back by ${deployer.email}: ${reason}`);
  // Back on the first version: the second can be restored, the first has nothing left to offer.
  const row2 = production.locator(`[data-testid="deployment-row"][data-id="${dep2}"]`);
  await expect(row2).toHaveAttribute('data-status', 'success');
  await expect(row2.getByRole('button', { name: 'Roll back to this' })).toBeVisible();
  await expect(row1.getByRole('button', { name: 'Roll back to this' })).toHaveCount(0);
  // What answers at production's address is the version the page says serves.
  const url = await production.getByRole('link', { name: /^http/ }).getAttribute('href');
  const answer = await (await request.get(url!)).json();
  expect(answer.version).toBe(await serving.getAttribute('data-version'));
  await page.screenshot({ path: `${shots}/deploy-rolled-back.png`, fullPage: true });
  lap('production rolled back to run 1');

  // f. The run shows its deploy jobs done; the overview has a mean time to deploy.
  await page.goto(`/runs/${run1}`);
  await expect(page.locator('[data-testid="dag-node"][data-job="deploy-staging"]')).toHaveAttribute(
    'data-status',
    'success',
  );
  const deployNode = page.locator('[data-testid="dag-node"][data-job="deploy-production"]');
  await expect(deployNode).toHaveAttribute('data-status', 'success');
  await deployNode.click();
  await expect(page).toHaveURL(/\/jobs\//);
  await expect(page.getByRole('link', { name: 'production', exact: true })).toHaveAttribute('href', '/deployments');
  await page.goto('/');
  await expect(page.getByTestId('mttdeploy')).not.toContainText('—');
  await page.screenshot({ path: `${shots}/deploy-runs-overview.png`, fullPage: true });
  expect(errors).toEqual([]);

  // The same page in the dark theme at a phone's width.
  const phone = await signedIn(browser, deployer, { dark: true, phone: true });
  await phone.goto('/deployments');
  await expect(environment(phone, 'production').getByTestId('serving')).toHaveAttribute('data-rollback-of', dep1);
  await phone.screenshot({ path: `${shots}/deploy-dark-phone.png`, fullPage: true });
  await Promise.all([admin.context().close(), page.context().close(), phone.context().close()]);
  lap('done');
});
