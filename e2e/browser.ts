// Which Chromium the e2e tests drive: Playwright's own when installed, else the
// system's (Debian's `chromium`), else a clear error saying how to get one.
import fs from 'node:fs';
import { chromium } from '@playwright/test';

const SYSTEM_CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];

export function chromiumExecutable(): string | undefined {
  try {
    if (fs.existsSync(chromium.executablePath())) return undefined; // Playwright's own: no override
  } catch {
    // not installed
  }
  const system = SYSTEM_CHROMIUM.find((p) => fs.existsSync(p));
  if (system) return system;
  throw new Error(
    'No Chromium for the e2e tests. Install one: `npx playwright install chromium`, or on Debian/Ubuntu `apt-get install chromium`.',
  );
}
