// Runner registration: an admin makes a registration token; a new runner
// exchanges it for a runner token of its own. Both are stored as sha256 only.
import type { DbTx } from '../../db/client';
import { hashToken, newToken } from '../auth/tokens';
import { Unauthorized, ValidationError } from '../errors';

export interface CreatedRegistrationToken {
  id: string;
  token: string;
  expiresAt: Date | null;
  maxUses: number | null;
}

export async function createRegistrationToken(
  db: DbTx,
  input: { createdById?: string; description?: string; pool?: string; expiresInHours?: number; maxUses?: number },
  now: Date,
): Promise<CreatedRegistrationToken> {
  const t = newToken('registration');
  const expiresAt = input.expiresInHours ? new Date(now.getTime() + input.expiresInHours * 3_600_000) : null;
  const row = await db.runnerRegistrationToken.create({
    data: {
      tokenHash: t.hash,
      createdById: input.createdById ?? null,
      description: input.description ?? null,
      pool: input.pool ?? null,
      expiresAt,
      maxUses: input.maxUses ?? null,
    },
  });
  return { id: row.id, token: t.token, expiresAt, maxUses: row.maxUses };
}

export interface RegisterInput {
  registrationToken: string;
  name: string;
  pool?: string;
  labels?: string[];
  version?: string;
  hostname?: string;
  concurrency?: number;
}

export interface RegisteredRunner {
  id: string;
  name: string;
  pool: string;
  token: string;
}

/** Exchanges a registration token for a new runner and its token (shown once). */
export async function registerRunner(db: DbTx, input: RegisterInput, now: Date): Promise<RegisteredRunner> {
  const name = input.name.trim();
  if (!name) throw new ValidationError('A runner needs a name');
  const hash = hashToken(input.registrationToken);
  // One guarded update: valid, unexpired, unrevoked and under its use limit, or nothing.
  const used = await db.$queryRaw<{ id: string; pool: string | null }[]>`
    UPDATE runner_registration_tokens SET use_count = use_count + 1
     WHERE token_hash = ${hash} AND revoked_at IS NULL
       AND (expires_at IS NULL OR expires_at > ${now})
       AND (max_uses IS NULL OR use_count < max_uses)
    RETURNING id, pool`;
  const reg = used[0];
  if (!reg) throw new Unauthorized('The registration token is unknown, revoked, expired or used up');
  const t = newToken('runner');
  const runner = await db.runner.create({
    data: {
      name,
      pool: input.pool ?? reg.pool ?? 'default',
      labels: input.labels ?? [],
      version: input.version ?? null,
      hostname: input.hostname ?? null,
      concurrency: input.concurrency ?? 1,
      tokenHash: t.hash,
      registrationTokenId: reg.id,
      lastSeenAt: now,
    },
  });
  return { id: runner.id, name: runner.name, pool: runner.pool, token: t.token };
}

export interface AuthenticatedRunner {
  id: string;
  name: string;
  pool: string;
}

export async function runnerForToken(db: DbTx, token: string): Promise<AuthenticatedRunner | null> {
  const runner = await db.runner.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, name: true, pool: true, disabledAt: true },
  });
  if (!runner || runner.disabledAt) return null;
  return { id: runner.id, name: runner.name, pool: runner.pool };
}

/** Records that a runner is alive, with what it reports about itself. */
export async function touchRunner(
  db: DbTx,
  runnerId: string,
  info: { version?: string; concurrency?: number; hostname?: string },
  now: Date,
): Promise<void> {
  await db.runner.update({
    where: { id: runnerId },
    data: { lastSeenAt: now, version: info.version, concurrency: info.concurrency, hostname: info.hostname },
  });
}

/** Online means seen within this window. */
export const RUNNER_ONLINE_WINDOW_MS = 30_000;

export async function listRunners(db: DbTx, now: Date) {
  const runners = await db.runner.findMany({
    orderBy: [{ pool: 'asc' }, { name: 'asc' }],
    select: {
      id: true,
      name: true,
      pool: true,
      labels: true,
      version: true,
      hostname: true,
      concurrency: true,
      lastSeenAt: true,
      createdAt: true,
      disabledAt: true,
    },
  });
  return runners.map((r) => ({
    ...r,
    online: !r.disabledAt && !!r.lastSeenAt && now.getTime() - r.lastSeenAt.getTime() < RUNNER_ONLINE_WINDOW_MS,
  }));
}
