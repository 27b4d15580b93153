// The insights page from the navigation, on a desktop and a phone, and
// /api/metrics over real HTTP: Prometheus text that parses, with the local
// runner `npm start` brings up counted online.
import { expect, test } from '@playwright/test';
import { signIn } from './session';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

const shots = 'test-results/screenshots';

test('insights: the north-star numbers and pipeline trends, on a desktop and a phone', async ({ page }) => {
  const errors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await signIn(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Insights' }).click();
  await expect(page).toHaveURL(/\/insights$/);
  await expect(page.getByRole('heading', { name: 'Insights', level: 1 })).toBeVisible();
  await expect(page.getByTestId('insights-mttd')).toContainText('Mean time to detect a broken build');
  await expect(page.getByTestId('insights-mttdeploy')).toContainText('Mean time to deploy');
  // Either pipelines with finished runs, or the empty state that says what will appear.
  await expect(
    page.getByTestId('insights-pipeline').first().or(page.getByTestId('insights-no-pipelines')),
  ).toBeVisible();
  await page.screenshot({ path: `${shots}/insights.png`, fullPage: true });

  await page.getByRole('button', { name: '90 days' }).click();
  await expect(page.getByRole('button', { name: '90 days' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('heading', { name: /per week/ })).toBeVisible();

  await page.setViewportSize({ width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: `${shots}/insights-phone.png`, fullPage: true });
  expect(errors).toEqual([]);
});

test('GET /api/metrics is Prometheus text with the local runner online', async ({ request }) => {
  const res = await request.get('/api/metrics');
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusTextFormat(await res.text());
  const names = families.map((f) => f.name);
  for (const name of [
    'switchyard_queue_depth',
    'switchyard_runs',
    'switchyard_runners',
    'switchyard_claim_latency_seconds',
  ]) {
    expect(names).toContain(name);
  }
  const runners = families.find((f) => f.name === 'switchyard_runners')!;
  const online = runners.metrics.filter((m) => m.labels?.state === 'online').reduce((n, m) => n + Number(m.value), 0);
  expect(online).toBeGreaterThanOrEqual(1);
});
