// Who is calling: a bearer token (API token or runner token) wins over the
// session cookie, so the CLI and runners never depend on cookies.
import { tokenKind } from '../domain/auth/tokens';
import { runnerForToken } from '../domain/runner/registration';
import { userForApiToken } from '../domain/user/api-tokens';
import type { PublicUser } from '../domain/user/users';
import type { Context, Services } from './trpc';

export async function createContext(
  deps: Services,
  authorization: string | null,
  sessionUser: () => Promise<PublicUser | null>,
): Promise<Context> {
  const base: Context = { ...deps, user: null, runner: null };
  const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (bearer) {
    const kind = tokenKind(bearer);
    if (kind === 'api') return { ...base, user: await userForApiToken(deps.db, bearer, deps.now()) };
    if (kind === 'runner') return { ...base, runner: await runnerForToken(deps.db, bearer) };
    return base; // an unknown kind of token authenticates nobody
  }
  return { ...base, user: await sessionUser() };
}
