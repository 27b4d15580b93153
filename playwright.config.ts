// End-to-end tests: the whole system started the way `npm start` starts it
// (embedded PostgreSQL in a throwaway data folder), driven in real Chromium.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumExecutable } from './e2e/browser';

const port = Number(process.env.E2E_PORT ?? 3123);
export const E2E_ADMIN = { email: 'admin@e2e.test', password: 'e2e-admin-password' };

// One data folder per run, shared with workers through the environment.
process.env.E2E_DATA_DIR ??= (() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-e2e-'));
  fs.chmodSync(dir, 0o755); // the embedded PostgreSQL's user must reach it when run as root
  return dir;
})();

const executablePath = chromiumExecutable();

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  fullyParallel: false,
  workers: 1,
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e.json' }]],
  use: {
    baseURL: `http://localhost:${port}`,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: 'node --import tsx scripts/start.ts',
    url: `http://localhost:${port}/api/health`,
    timeout: 240_000,
    reuseExistingServer: false,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 30_000 },
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      PORT: String(port),
      DATA_DIR: process.env.E2E_DATA_DIR,
      SWITCHYARD_URL: `http://localhost:${port}`,
      SWITCHYARD_ADMIN_EMAIL: E2E_ADMIN.email,
      SWITCHYARD_ADMIN_PASSWORD: E2E_ADMIN.password,
      AUTH_SECRET: 'e2e-auth-secret-not-for-production',
      DATABASE_URL: '',
      // Environments get free ports: nothing else on the machine is disturbed.
      DEPLOY_PORTS: '',
    },
  },
});
