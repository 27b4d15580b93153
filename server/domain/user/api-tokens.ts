// API tokens for the CLI and automation. The plain token is returned once, at
// creation; only its sha256 is stored.
import type { DbTx } from '../../db/client';
import { hashToken, newToken } from '../auth/tokens';
import { NotFound, ValidationError } from '../errors';
import type { PublicUser } from './users';

export interface CreatedApiToken {
  id: string;
  name: string;
  token: string;
  prefix: string;
  expiresAt: Date | null;
}

export async function createApiToken(
  db: DbTx,
  userId: string,
  input: { name: string; expiresInDays?: number },
  now: Date,
): Promise<CreatedApiToken> {
  const name = input.name.trim();
  if (!name) throw new ValidationError('A token needs a name');
  const t = newToken('api');
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 86_400_000) : null;
  const row = await db.apiToken.create({
    data: { userId, name, prefix: t.prefix, tokenHash: t.hash, expiresAt },
  });
  return { id: row.id, name: row.name, token: t.token, prefix: t.prefix, expiresAt };
}

/** The user an API token acts as, or null when it is unknown, revoked, expired or the user is disabled. */
export async function userForApiToken(db: DbTx, token: string, now: Date): Promise<PublicUser | null> {
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || row.user.disabledAt) return null;
  // Not awaited by the caller's answer: last use is a hint, not a guarantee.
  void db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } }).catch(() => undefined);
  const { id, email, name, role } = row.user;
  return { id, email, name, role };
}

export async function listApiTokens(db: DbTx, userId: string) {
  return db.apiToken.findMany({
    where: { userId },
    orderBy: { createdAt: 'desc' },
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true },
  });
}

export async function revokeApiToken(db: DbTx, userId: string, id: string, now: Date): Promise<void> {
  const { count } = await db.apiToken.updateMany({ where: { id, userId, revokedAt: null }, data: { revokedAt: now } });
  if (count === 0) throw new NotFound('Token');
}
