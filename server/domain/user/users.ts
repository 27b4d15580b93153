// Local accounts: creation, password sign-in, the first admin.
import type { DbTx } from '../../db/client';
import type { UserRole } from '../../db/generated/enums';
import { hashPassword, verifyPassword, generatePassword } from '../auth/password';
import { Conflict, NotFound, ValidationError } from '../errors';

export interface PublicUser {
  id: string;
  email: string;
  name: string | null;
  role: UserRole;
}

const publicFields = { id: true, email: true, name: true, role: true } as const;

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createUser(
  db: DbTx,
  input: { email: string; password?: string; name?: string; role: UserRole },
): Promise<PublicUser> {
  if (input.password !== undefined && input.password.length < 8) {
    throw new ValidationError('A password needs at least 8 characters');
  }
  const email = normaliseEmail(input.email);
  const existing = await db.user.findUnique({ where: { email }, select: { id: true } });
  if (existing) throw new Conflict(`A user with email ${email} already exists`);
  return db.user.create({
    data: {
      email,
      name: input.name ?? null,
      role: input.role,
      passwordHash: input.password === undefined ? null : await hashPassword(input.password),
    },
    select: publicFields,
  });
}

/** The user for an email and password, or null (same answer for unknown email and wrong password). */
export async function authenticate(db: DbTx, email: string, password: string): Promise<PublicUser | null> {
  const user = await db.user.findUnique({ where: { email: normaliseEmail(email) } });
  if (!user || user.disabledAt || !user.passwordHash) {
    // Spend the same time as a real check so timing does not reveal which emails exist.
    await verifyPassword(password, DUMMY_HASH);
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role };
}

const DUMMY_HASH = 'scrypt$15$8$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

export async function findActiveUser(db: DbTx, id: string): Promise<PublicUser | null> {
  const user = await db.user.findFirst({ where: { id, disabledAt: null }, select: publicFields });
  return user;
}

export interface FirstAdmin {
  email: string;
  /** Set when the password was generated here: print it once. */
  generatedPassword?: string;
  created: boolean;
}

/** Creates the first admin when the database has no user yet. */
export async function ensureFirstAdmin(db: DbTx, email: string, password: string | undefined): Promise<FirstAdmin> {
  const count = await db.user.count();
  if (count > 0) return { email, created: false };
  const generated = password === undefined ? generatePassword() : undefined;
  await createUser(db, { email, password: password ?? generated, name: 'Admin', role: 'admin' });
  return { email: normaliseEmail(email), generatedPassword: generated, created: true };
}

export async function listUsers(db: DbTx) {
  return db.user.findMany({
    orderBy: { email: 'asc' },
    select: { ...publicFields, createdAt: true, disabledAt: true },
  });
}

export async function setRole(db: DbTx, actorId: string, userId: string, role: UserRole): Promise<PublicUser> {
  if (actorId === userId && role !== 'admin') {
    throw new ValidationError('You cannot lower your own role: ask another admin');
  }
  const { count } = await db.user.updateMany({ where: { id: userId }, data: { role } });
  if (count === 0) throw new NotFound('User');
  return (await findActiveUser(db, userId)) ?? { id: userId, email: '', name: null, role };
}
