// Sign-in for people (Auth.js / next-auth v5): local accounts with passwords,
// and GitHub when GITHUB_ID and GITHUB_SECRET are set. Sessions are JWT cookies
// that name a `sessions` row, so signing out (or deleting the row) ends the
// session at once, and roles are read from the database on every request.
import NextAuth, { type NextAuthConfig } from 'next-auth';
import Credentials from 'next-auth/providers/credentials';
import GitHub from 'next-auth/providers/github';
import { z } from 'zod';
import { webPrisma } from '../db/client';
import { authenticate, findActiveUser, type PublicUser } from '../domain/user/users';
import { linkExternalAccount } from '../domain/user/external-accounts';
import { serverEnv } from '../env';
import { webServices } from '../web';

const SESSION_DAYS = 30;

const Credentials_ = z.object({ email: z.string().email(), password: z.string().min(1) });

function db() {
  return webPrisma(serverEnv().DATABASE_URL);
}

export function githubEnabled(): boolean {
  const env = serverEnv();
  return !!(env.GITHUB_ID && env.GITHUB_SECRET);
}

function providers(): NextAuthConfig['providers'] {
  const env = serverEnv();
  const list: NextAuthConfig['providers'] = [
    Credentials({
      credentials: { email: { label: 'Email' }, password: { label: 'Password', type: 'password' } },
      async authorize(raw) {
        const parsed = Credentials_.safeParse(raw);
        if (!parsed.success) return null;
        const user = await authenticate(db(), parsed.data.email, parsed.data.password);
        return user ? { id: user.id, email: user.email, name: user.name } : null;
      },
    }),
  ];
  if (env.GITHUB_ID && env.GITHUB_SECRET) {
    list.push(GitHub({ clientId: env.GITHUB_ID, clientSecret: env.GITHUB_SECRET }));
  }
  return list;
}

export const { handlers, auth, signIn, signOut } = NextAuth(() => ({
  trustHost: true,
  secret: serverEnv().AUTH_SECRET,
  session: { strategy: 'jwt', maxAge: SESSION_DAYS * 86_400 },
  pages: { signIn: '/sign-in' },
  providers: providers(),
  logger: {
    error(error) {
      // A refused password is an answer, not a server error.
      if ((error as { type?: string }).type === 'CredentialsSignin' || error.name === 'CredentialsSignin')
        webServices().log.info('sign-in refused: wrong email or password');
      else webServices().log.error({ err: error }, 'auth error');
    },
    warn(code) {
      webServices().log.warn({ code }, 'auth warning');
    },
    debug() {},
  },
  callbacks: {
    async jwt({ token, user, account }) {
      if (!user) return token;
      let userId = user.id!;
      if (account && account.provider !== 'credentials') {
        userId = await linkExternalAccount(db(), {
          provider: account.provider,
          providerAccountId: account.providerAccountId,
          type: account.type,
          email: user.email ?? undefined,
          name: user.name ?? undefined,
          image: user.image ?? undefined,
        });
      }
      const session = await db().session.create({
        data: { userId, expiresAt: new Date(Date.now() + SESSION_DAYS * 86_400_000) },
      });
      return { ...token, sub: userId, sid: session.id };
    },
    session({ session, token }) {
      return { ...session, sessionId: typeof token.sid === 'string' ? token.sid : undefined };
    },
  },
  events: {
    async signOut(message) {
      const sid = 'token' in message ? message.token?.sid : undefined;
      if (typeof sid === 'string') await db().session.deleteMany({ where: { id: sid } });
    },
  },
}));

/** The signed-in person of this request, checked against the sessions table; null when signed out. */
export async function currentUser(): Promise<PublicUser | null> {
  const session = (await auth()) as { sessionId?: string } | null;
  if (!session?.sessionId) return null;
  const row = await db().session.findUnique({ where: { id: session.sessionId } });
  if (!row || row.expiresAt <= new Date()) return null;
  return findActiveUser(db(), row.userId);
}
