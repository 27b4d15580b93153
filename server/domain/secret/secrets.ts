// Pipeline secrets: per repository (and optionally per environment), sealed at
// rest, never shown again once set. A job gets them as environment variables
// only on the branches they allow, never in a pull request from a fork; the
// runner masks their values in the log.
import { z } from 'zod';
import { globToRegExp } from '../../contracts/glob';
import type { Db, DbTx } from '../../db/client';
import type { SecretBox } from '../auth/secret-box';
import { NotFound } from '../errors';
import { getRepo } from '../repo/repos';

export const SecretInput = z.object({
  repo: z.string().trim().min(1),
  name: z
    .string()
    .trim()
    .regex(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, 'Use letters, digits and _, not starting with a digit (a variable name)'),
  value: z
    .string()
    .min(1, 'A secret needs a value')
    .max(64 * 1024, 'A secret is at most 64 KiB'),
  environment: z.string().trim().min(1).max(100).nullish(),
  branches: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
});
export type SecretInput = z.input<typeof SecretInput>;

export interface SecretView {
  name: string;
  environment: string | null;
  branches: string[];
  updatedAt: Date;
}

export async function setSecret(db: Db, box: SecretBox, raw: SecretInput): Promise<SecretView> {
  const input = SecretInput.parse(raw);
  const repo = await getRepo(db, input.repo);
  const environment = input.environment ?? null;
  const data = { valueEnc: box.seal(input.value), branches: input.branches };
  // (repo, environment, name) is unique, but NULL environments never collide in SQL: look first.
  return db.$transaction(async (tx) => {
    const existing = await tx.secret.findFirst({ where: { repoId: repo.id, environment, name: input.name } });
    const row = existing
      ? await tx.secret.update({ where: { id: existing.id }, data })
      : await tx.secret.create({ data: { ...data, repoId: repo.id, environment, name: input.name } });
    return view(row);
  });
}

export async function listSecrets(db: DbTx, repoRef: string): Promise<SecretView[]> {
  const repo = await getRepo(db, repoRef);
  const rows = await db.secret.findMany({ where: { repoId: repo.id }, orderBy: [{ name: 'asc' }] });
  return rows.map(view);
}

export async function deleteSecret(db: DbTx, repoRef: string, name: string, environment: string | null) {
  const repo = await getRepo(db, repoRef);
  const { count } = await db.secret.deleteMany({ where: { repoId: repo.id, name, environment } });
  if (count === 0) throw new NotFound(`Secret ${name}${environment ? ` of ${environment}` : ''}`);
  return { deleted: count };
}

function view(row: { name: string; environment: string | null; branches: string[]; updatedAt: Date }): SecretView {
  return { name: row.name, environment: row.environment, branches: row.branches, updatedAt: row.updatedAt };
}

export interface SecretScope {
  repoId: string;
  /** null for a tag. */
  branch: string | null;
  fromFork: boolean;
  /** The deploy environment; null for a plain CI job. */
  environment: string | null;
}

/** Whether a secret's branch list lets a run on `branch` read it (a tag only when it allows every branch). */
export function branchAllowed(patterns: string[], branch: string | null): boolean {
  if (patterns.length === 0) return true;
  return branch !== null && patterns.some((p) => globToRegExp(p).test(branch));
}

/** The secrets a job may read, by name; an environment's own value wins over the repository-wide one. */
export async function secretsFor(db: DbTx, box: SecretBox, scope: SecretScope): Promise<Record<string, string>> {
  if (scope.fromFork) return {};
  const rows = await db.secret.findMany({
    where: {
      repoId: scope.repoId,
      OR: [{ environment: null }, ...(scope.environment ? [{ environment: scope.environment }] : [])],
    },
    orderBy: { environment: { sort: 'asc', nulls: 'first' } },
  });
  const out: Record<string, string> = {};
  for (const row of rows) if (branchAllowed(row.branches, scope.branch)) out[row.name] = box.open(row.valueEnc);
  return out;
}
