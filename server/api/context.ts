// Who is calling: a bearer token (API token or runner token) wins over the
// session cookie, so the CLI and runners never depend on cookies.
import type { Db } from '../db/client';
import { tokenKind } from '../domain/auth/tokens';
import type { SecretBox } from '../domain/auth/secret-box';
import { runnerForToken } from '../domain/runner/registration';
import { userForApiToken } from '../domain/user/api-tokens';
import type { PublicUser } from '../domain/user/users';
import type { Logger } from '../log';
import type { Context } from './trpc';

export interface ContextDeps {
  db: Db;
  box: SecretBox;
  log: Logger;
  now?: () => Date;
}

export async function createContext(
  deps: ContextDeps,
  authorization: string | null,
  sessionUser: () => Promise<PublicUser | null>,
): Promise<Context> {
  const now = deps.now ?? (() => new Date());
  const base = { db: deps.db, box: deps.box, log: deps.log, now, user: null, runner: null };
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) {
    const kind = tokenKind(bearer);
    if (kind === 'api') return { ...base, user: await userForApiToken(deps.db, bearer, now()) };
    if (kind === 'runner') return { ...base, runner: await runnerForToken(deps.db, bearer) };
    return base; // an unknown kind of token authenticates nobody
  }
  return { ...base, user: await sessionUser() };
}
