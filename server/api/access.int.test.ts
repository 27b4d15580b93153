// Who may call what: roles enforced in the tRPC middleware, tokens checked
// against the database (hashed at rest), runners registered by token exchange.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/db';
import { testServices, type TestServices } from '../../tests/services';
import { createSecretBox } from '../domain/auth/secret-box';
import { hashToken } from '../domain/auth/tokens';
import { createApiToken } from '../domain/user/api-tokens';
import { createUser, type PublicUser } from '../domain/user/users';
import { createContext } from './context';
import { createCaller } from './root';

let db: TestDatabase;
let services: TestServices;
const box = createSecretBox('test-secret-of-sufficient-length');
const users: Record<string, PublicUser> = {};

function caller(authorization: string | null, sessionUser: PublicUser | null = null) {
  return createContext(services, authorization, async () => sessionUser).then(createCaller);
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (err) {
    return err instanceof TRPCError ? err.code : `not a TRPCError: ${String(err)}`;
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  services = await testServices(db.prisma, db.url);
  for (const role of ['viewer', 'developer', 'deployer', 'admin'] as const) {
    users[role] = await createUser(db.prisma, { email: `${role}@example.com`, password: 'password-123', role });
  }
});
afterAll(async () => {
  await services.close();
  await db.drop();
});

describe('roles', () => {
  it('refuses an unauthenticated call with UNAUTHORIZED', async () => {
    const api = await caller(null);
    expect(await codeOf(api.repos.list())).toBe('UNAUTHORIZED');
    expect(await codeOf(api.repos.create({ name: 'x', cloneUrl: 'https://example.com/x.git' }))).toBe('UNAUTHORIZED');
  });

  it('refuses a viewer an admin-only procedure with FORBIDDEN and writes nothing', async () => {
    const api = await caller(null, users.viewer!);
    expect(await codeOf(api.repos.create({ name: 'viewer-repo', cloneUrl: 'https://example.com/x.git' }))).toBe(
      'FORBIDDEN',
    );
    expect(await db.prisma.repo.count({ where: { name: 'viewer-repo' } })).toBe(0);
    expect(await codeOf(api.runners.createRegistrationToken({}))).toBe('FORBIDDEN');
  });

  it('lets every role read and only admins manage repositories', async () => {
    for (const role of ['viewer', 'developer', 'deployer'] as const) {
      const api = await caller(null, users[role]!);
      expect(await codeOf(api.repos.list())).toBe('OK');
      expect(await codeOf(api.repos.delete({ id: 'anything' }))).toBe('FORBIDDEN');
    }
    const admin = await caller(null, users.admin!);
    const repo = await admin.repos.create({ name: 'acme/web', cloneUrl: 'https://example.com/acme/web.git' });
    expect(repo.webhookSecret).toMatch(/^[0-9a-f]{64}$/);
    const stored = await db.prisma.repo.findUniqueOrThrow({ where: { id: repo.id } });
    expect(stored.webhookSecretEnc).not.toContain(repo.webhookSecret);
    expect(box.open(stored.webhookSecretEnc)).toBe(repo.webhookSecret);
    expect(await db.prisma.pipeline.count({ where: { repoId: repo.id } })).toBe(1);
  });

  it('rejects bad input with BAD_REQUEST and a readable message', async () => {
    const admin = await caller(null, users.admin!);
    const err = await admin.repos.create({ name: 'ok', cloneUrl: 'ftp://nope' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('BAD_REQUEST');
    expect(await db.prisma.repo.count({ where: { name: 'ok' } })).toBe(0);
  });

  it('answers CONFLICT for a duplicate repository name', async () => {
    const admin = await caller(null, users.admin!);
    await admin.repos.create({ name: 'dup', cloneUrl: '/srv/git/dup' });
    expect(await codeOf(admin.repos.create({ name: 'dup', cloneUrl: '/srv/git/dup' }))).toBe('CONFLICT');
  });
});

describe('API tokens', () => {
  it('acts as its user, is stored hashed, and stops working when revoked', async () => {
    const created = await createApiToken(db.prisma, users.developer!.id, { name: 'ci' }, new Date());
    const row = await db.prisma.apiToken.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(hashToken(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token);

    const api = await caller(`Bearer ${created.token}`);
    expect((await api.auth.whoami()).email).toBe('developer@example.com');
    await api.tokens.revoke({ id: created.id });
    expect(await codeOf((await caller(`Bearer ${created.token}`)).auth.whoami())).toBe('UNAUTHORIZED');
  });

  it('refuses an expired token', async () => {
    const created = await createApiToken(
      db.prisma,
      users.viewer!.id,
      { name: 'old', expiresInDays: 1 },
      new Date(Date.now() - 2 * 86_400_000),
    );
    expect(await codeOf((await caller(`Bearer ${created.token}`)).auth.whoami())).toBe('UNAUTHORIZED');
  });

  it('trades a password for a token (login) and refuses a wrong one', async () => {
    const api = await caller(null);
    const { token } = await api.auth.login({
      email: 'Deployer@Example.com',
      password: 'password-123',
      tokenName: 'cli',
    });
    expect((await (await caller(`Bearer ${token}`)).auth.whoami()).role).toBe('deployer');
    expect(
      await codeOf(api.auth.login({ email: 'deployer@example.com', password: 'wrong-password', tokenName: 'cli' })),
    ).toBe('UNAUTHORIZED');
    expect(
      await codeOf(api.auth.login({ email: 'nobody@example.com', password: 'password-123', tokenName: 'cli' })),
    ).toBe('UNAUTHORIZED');
  });
});

describe('runner registration', () => {
  it('exchanges a registration token for a runner token, within its use limit', async () => {
    const admin = await caller(null, users.admin!);
    const reg = await admin.runners.createRegistrationToken({ pool: 'linux', maxUses: 1 });
    const anon = await caller(null);
    const runner = await anon.runner.register({ registrationToken: reg.token, name: 'r1' });
    expect(runner.pool).toBe('linux');
    expect(runner.token.startsWith('sy_run_')).toBe(true);
    expect(await codeOf(anon.runner.register({ registrationToken: reg.token, name: 'r2' }))).toBe('UNAUTHORIZED');
    expect(await db.prisma.runner.count({ where: { name: 'r2' } })).toBe(0);

    const stored = await db.prisma.runner.findUniqueOrThrow({ where: { id: runner.id } });
    expect(stored.tokenHash).toBe(hashToken(runner.token));

    const asRunner = await caller(`Bearer ${runner.token}`);
    const pong = await asRunner.runner.ping({ version: '9.9.9' });
    expect(pong.runnerId).toBe(runner.id);
    const listed = await admin.runners.list();
    expect(listed.find((r) => r.id === runner.id)).toMatchObject({ online: true, version: '9.9.9' });
  });

  it('refuses pings without a valid runner token, and a person cannot ping as a runner', async () => {
    expect(await codeOf((await caller('Bearer sy_run_made-up')).runner.ping({}))).toBe('UNAUTHORIZED');
    expect(await codeOf((await caller(null, users.admin!)).runner.ping({}))).toBe('UNAUTHORIZED');
  });

  it('refuses an unknown registration token', async () => {
    expect(
      await codeOf((await caller(null)).runner.register({ registrationToken: 'sy_reg_not-a-real-one', name: 'x' })),
    ).toBe('UNAUTHORIZED');
  });
});
