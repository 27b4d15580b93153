// A newcomer's first minutes: sign in with the printed credentials, see the
// dashboard with the demo repository and the local runner, sign out. And the
// API refuses what a role does not allow, whatever the UI shows.
import { expect, test } from '@playwright/test';
import { E2E_ADMIN } from '../playwright.config';

const shots = 'test-results/screenshots';

test('an unauthenticated visitor is sent to the sign-in page', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole('heading', { name: 'Sign in to Switchyard' })).toBeVisible();
  await page.screenshot({ path: `${shots}/sign-in.png`, fullPage: true });
});

test('a wrong password gets a clear message', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(E2E_ADMIN.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Wrong email' })).toHaveText('Wrong email or password.');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('the admin signs in, sees the dashboard, and signs out', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(E2E_ADMIN.email);
  await page.getByLabel('Password').fill(E2E_ADMIN.password);
  await page.getByRole('button', { name: 'Sign in' }).click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible();
  await expect(page.getByText(E2E_ADMIN.email, { exact: true })).toBeVisible();
  await expect(page.getByTitle('Your role')).toHaveText('admin');
  await expect(page.locator('.figures')).toContainText('Runners online');
  await page.screenshot({ path: `${shots}/dashboard.png`, fullPage: true });

  await page.getByRole('link', { name: 'Runners' }).click();
  await expect(page.getByRole('cell', { name: 'local' })).toBeVisible();
  await expect(page.getByRole('row', { name: /local/ }).getByText('online')).toBeVisible();
  await page.screenshot({ path: `${shots}/runners.png`, fullPage: true });

  await page.getByRole('link', { name: 'Repositories' }).click();
  await expect(page.getByRole('cell', { name: 'demo', exact: true })).toBeVisible();
  await page.screenshot({ path: `${shots}/repos.png`, fullPage: true });

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in/);
  expect(errors).toEqual([]);
});

test('the API enforces roles: UNAUTHORIZED without a token, FORBIDDEN for a viewer', async ({ request }) => {
  const anon = await request.get('/api/trpc/repos.list');
  expect(anon.status()).toBe(401);

  const login = await request.post('/api/trpc/auth.login', {
    data: { json: { email: E2E_ADMIN.email, password: E2E_ADMIN.password, tokenName: 'e2e' } },
  });
  expect(login.status()).toBe(200);
  const adminToken = (await login.json()).result.data.json.token as string;
  const asAdmin = { authorization: `Bearer ${adminToken}` };

  const viewerEmail = `viewer-${Date.now()}@e2e.test`;
  const created = await request.post('/api/trpc/users.create', {
    headers: asAdmin,
    data: { json: { email: viewerEmail, password: 'viewer-password', role: 'viewer' } },
  });
  expect(created.status()).toBe(200);
  const viewerLogin = await request.post('/api/trpc/auth.login', {
    data: { json: { email: viewerEmail, password: 'viewer-password', tokenName: 'e2e' } },
  });
  const viewerToken = (await viewerLogin.json()).result.data.json.token as string;

  const forbidden = await request.post('/api/trpc/repos.create', {
    headers: { authorization: `Bearer ${viewerToken}` },
    data: { json: { name: 'viewer-made', cloneUrl: 'https://example.com/x.git' } },
  });
  expect(forbidden.status()).toBe(403);
  expect((await forbidden.json()).error.json.data.code).toBe('FORBIDDEN');

  const list = await request.get('/api/trpc/repos.list', { headers: { authorization: `Bearer ${viewerToken}` } });
  expect(list.status()).toBe(200);
  expect(JSON.stringify(await list.json())).not.toContain('viewer-made');
});

test('GET /api/health reports the database and the queue', async ({ request }) => {
  const res = await request.get('/api/health');
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({ ok: true, database: { ok: true }, queue: { ok: true } });
});
