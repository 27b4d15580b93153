// The journey people repeat all day: start the demo pipeline, watch its DAG
// change live, open a running job, watch its log arrive, search it, and
// download it. A viewer sees no buttons to change anything, and the API
// refuses a viewer anyway.
import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { signIn } from './session';
import { E2E_ADMIN } from '../playwright.config';

const shots = 'test-results/screenshots';

test('run the demo pipeline, watch it live, read and download a log', async ({ page }) => {
  test.setTimeout(120_000);
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await signIn(page);

  await page.getByRole('button', { name: 'Run pipeline' }).click();
  await page.getByRole('form', { name: 'Run pipeline' }).getByRole('button', { name: 'Run' }).click();
  await expect(page).toHaveURL(/\/runs\/[0-9a-f-]{36}$/);
  const runUrl = page.url();

  // Record every status each node shows, as the page updates itself.
  const nodes = page.getByTestId('dag-node');
  await expect(nodes).toHaveCount(5);
  await page.evaluate(() => {
    const seen: Record<string, string[]> = {};
    (window as unknown as { seen: typeof seen }).seen = seen;
    const record = (el: Element) => {
      const job = el.getAttribute('data-job')!;
      const status = el.getAttribute('data-status')!;
      const list = (seen[job] ??= []);
      if (list[list.length - 1] !== status) list.push(status);
    };
    document.querySelectorAll('[data-testid="dag-node"]').forEach(record);
    new MutationObserver((changes) => {
      for (const c of changes)
        if (c.target instanceof Element && c.target.matches('[data-testid="dag-node"]')) record(c.target);
      document.querySelectorAll('[data-testid="dag-node"]').forEach(record);
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
  });
  await page.screenshot({ path: `${shots}/run-starting.png`, fullPage: true });

  // Open the unit job while it runs: its log arrives line by line.
  const unit = page.locator('[data-testid="dag-node"][data-job="unit"]');
  await expect(unit).toHaveAttribute('data-status', 'running', { timeout: 30_000 });
  await page.screenshot({ path: `${shots}/run-live.png`, fullPage: true });
  await unit.click();
  await expect(page).toHaveURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: /unit/ })).toBeVisible();
  const lines = page.getByTestId('log-line');
  await expect(lines.filter({ hasText: 'ok 1 - the artifact is the server' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByTestId('log-line').filter({ hasText: '6 passed, 0 failed' })).toHaveCount(0);
  await expect(lines.filter({ hasText: '6 passed, 0 failed' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByText('success').first()).toBeVisible({ timeout: 15_000 });
  await expect(lines.filter({ hasText: /Fetched artifact web from compile: .* verified/ })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Retry job' })).toBeVisible(); // a developer's action
  await page.screenshot({ path: `${shots}/job.png`, fullPage: true });

  // Search finds a line.
  await page.getByRole('searchbox', { name: 'Search log' }).fill('reports its version');
  await expect(page.getByTestId('log-search-count')).toHaveText(/1 of 1/);
  await expect(lines.filter({ hasText: 'ok 3 - it reports its version' })).toBeVisible();

  // The download is the stored log, byte for byte.
  const jobId = page.url().split('/').pop()!;
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: /Download/ }).click(),
  ]);
  const downloaded = fs.readFileSync((await download.path())!, 'utf8');
  const api = await page.request.get(
    `/api/trpc/jobs.log?input=${encodeURIComponent(JSON.stringify({ json: { id: jobId } }))}`,
  );
  const stored = (await api.json()).result.data.json.text as string;
  expect(downloaded).toBe(stored);
  expect(downloaded).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z Running unit/);

  // Back on the run: every node changed live, from waiting to running to done.
  await page.goto(runUrl);
  await expect(page.locator('[data-testid="dag-node"][data-job="lint"]')).toHaveAttribute('data-status', 'success');
  // The deploy jobs really deploy: staging by itself, production only once a deployer approves
  // (deploy-journey.spec.ts does that), so the run stays open at the gate.
  await expect(page.locator('[data-testid="dag-node"][data-job="deploy-staging"]')).toHaveAttribute(
    'data-status',
    'success',
    { timeout: 60_000 },
  );
  await expect(page.locator('[data-testid="dag-node"][data-job="deploy-production"]')).toHaveAttribute(
    'data-status',
    'queued',
  );
  await page.screenshot({ path: `${shots}/run-done.png`, fullPage: true });
  expect(errors).toEqual([]);
});

test('the runs overview filters from the URL and the runners page explains the queue', async ({ page }) => {
  await signIn(page);
  await expect(page.getByTestId('run-row').first()).toBeVisible();
  await page.getByLabel('Status').selectOption('failed');
  await expect(page).toHaveURL(/status=failed/);
  await expect(page.getByRole('heading', { name: 'No runs match' })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('Status')).toHaveValue('failed');
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(page.getByTestId('run-row').first()).toBeVisible();
  await page.screenshot({ path: `${shots}/runs.png`, fullPage: true });

  await page.getByRole('link', { name: 'Runners' }).click();
  await expect(page.getByTestId('runner-row').filter({ hasText: 'local' })).toContainText('online');
  await expect(page.getByTestId('pool').first()).toBeVisible();
  await page.screenshot({ path: `${shots}/runners-page.png`, fullPage: true });

  // The dark theme, and a phone's width.
  await page.getByRole('button', { name: /theme/ }).click();
  await page.getByRole('button', { name: /theme/ }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.screenshot({ path: `${shots}/runs-dark-phone.png`, fullPage: true });
});

test('a viewer sees no cancel or retry buttons, and the API refuses them anyway', async ({ page, request }) => {
  const login = await request.post('/api/trpc/auth.login', {
    data: { json: { email: E2E_ADMIN.email, password: E2E_ADMIN.password, tokenName: 'e2e-viewer' } },
  });
  const admin = { authorization: `Bearer ${(await login.json()).result.data.json.token}` };
  const email = `watcher-${Date.now()}@e2e.test`;
  await request.post('/api/trpc/users.create', {
    headers: admin,
    data: { json: { email, password: 'watcher-password', role: 'viewer' } },
  });
  const runs = await request.get(`/api/trpc/runs.list?input=${encodeURIComponent(JSON.stringify({ json: {} }))}`, {
    headers: admin,
  });
  const run = (await runs.json()).result.data.json.runs[0] as { id: string };

  await signIn(page, email, 'watcher-password');
  await expect(page.getByRole('button', { name: 'Run pipeline' })).toHaveCount(0);
  await page.goto(`/runs/${run.id}`);
  await expect(page.getByTestId('dag-node').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /Cancel run|Retry failed|Run / })).toHaveCount(0);
  await page.screenshot({ path: `${shots}/run-viewer.png`, fullPage: true });
  await page.locator('[data-testid="dag-node"][data-job="unit"]').click();
  await expect(page).toHaveURL(/\/jobs\//);
  await expect(page.getByTestId('log-line').first()).toBeVisible();
  await expect(page.getByRole('button', { name: /Retry job|Run job/ })).toHaveCount(0);

  // The viewer's own session cookie, straight at the API.
  const cancel = await page.request.post('/api/trpc/runs.cancel', { data: { json: { id: run.id } } });
  expect(cancel.status()).toBe(403);
  const retry = await page.request.post('/api/trpc/runs.retryFailed', { data: { json: { id: run.id } } });
  expect(retry.status()).toBe(403);
});
