// Sign-in through an external provider (GitHub): find the linked user, or link
// by email, or create a viewer. An admin raises the role afterwards.
import type { DbTx } from '../../db/client';
import { Forbidden } from '../errors';
import { normaliseEmail } from './users';

export interface ExternalIdentity {
  provider: string;
  providerAccountId: string;
  type: string;
  email?: string;
  name?: string;
  image?: string;
}

/** The user id an external identity signs in as. */
export async function linkExternalAccount(db: DbTx, id: ExternalIdentity): Promise<string> {
  const linked = await db.account.findUnique({
    where: { provider_providerAccountId: { provider: id.provider, providerAccountId: id.providerAccountId } },
    include: { user: true },
  });
  if (linked) {
    if (linked.user.disabledAt) throw new Forbidden('This account is disabled');
    return linked.userId;
  }
  const email = id.email ? normaliseEmail(id.email) : `${id.provider}-${id.providerAccountId}@users.noreply.switchyard`;
  const user =
    (await db.user.findUnique({ where: { email } })) ??
    (await db.user.create({ data: { email, name: id.name ?? null, image: id.image ?? null, role: 'viewer' } }));
  if (user.disabledAt) throw new Forbidden('This account is disabled');
  await db.account.create({
    data: { userId: user.id, provider: id.provider, providerAccountId: id.providerAccountId, type: id.type },
  });
  return user.id;
}
