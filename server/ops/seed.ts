// First-start data: the first admin, the demo repository, and a registration
// token for the local runner. Safe to run on every start.
import path from 'node:path';
import type { Db } from '../db/client';
import type { SecretBox } from '../domain/auth/secret-box';
import { createRepo } from '../domain/repo/repos';
import { ensureFirstAdmin, type FirstAdmin } from '../domain/user/users';
import { ensureDemoRepo } from './demo-repo';

export interface SeedResult {
  admin: FirstAdmin;
  demoRepoPath: string;
  /** Set when the demo repo was registered now: its webhook secret. */
  demoWebhookSecret?: string;
}

export async function seed(
  db: Db,
  box: SecretBox,
  opts: { dataDir: string; adminEmail: string; adminPassword: string | undefined },
): Promise<SeedResult> {
  const admin = await ensureFirstAdmin(db, opts.adminEmail, opts.adminPassword);
  const demo = ensureDemoRepo(path.join(opts.dataDir, 'demo-repo'));
  let demoWebhookSecret: string | undefined;
  if (!(await db.repo.findUnique({ where: { name: 'demo' } }))) {
    const repo = await createRepo(db, box, { name: 'demo', cloneUrl: `file://${demo.path}`, defaultBranch: 'main' });
    demoWebhookSecret = repo.webhookSecret;
  }
  return { admin, demoRepoPath: demo.path, demoWebhookSecret };
}
