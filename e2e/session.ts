// What the specs share: signing in through the page, and calling the API
// with a token the admin's password buys.
import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { E2E_ADMIN } from '../playwright.config';

/** Signs in on the sign-in page and waits for the runs overview. */
export async function signIn(page: Page, email = E2E_ADMIN.email, password = E2E_ADMIN.password): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible();
}

/** tRPC calls as the admin: `call` for mutations (expects 200), `query` for queries. */
export async function adminApi(request: APIRequestContext, tokenName: string) {
  const login = await request.post('/api/trpc/auth.login', {
    data: { json: { email: E2E_ADMIN.email, password: E2E_ADMIN.password, tokenName } },
  });
  const headers = { authorization: `Bearer ${(await login.json()).result.data.json.token}` };
  const call = async (proc: string, input: unknown) => {
    const res = await request.post(`/api/trpc/${proc}`, { headers, data: { json: input } });
    expect(res.status(), await res.text()).toBe(200);
    return (await res.json()).result.data.json;
  };
  const query = async (proc: string, input: unknown) => {
    const res = await request.get(`/api/trpc/${proc}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
      headers,
    });
    return (await res.json()).result.data.json;
  };
  return { call, query };
}
