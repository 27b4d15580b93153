// Repositories: registration (with a webhook secret shown once), listing,
// changes. A repo gets one pipeline per config file.
import crypto from 'node:crypto';
import { z } from 'zod';
import type { DbTx } from '../../db/client';
import type { SecretBox } from '../auth/secret-box';
import { Conflict, NotFound } from '../errors';

/** A clone URL Switchyard can fetch: https://, ssh-less file:// URLs, or absolute paths. */
export const CloneUrl = z
  .string()
  .trim()
  .min(1, 'A clone URL is required')
  .refine((u) => /^https:\/\/[^\s]+$/.test(u) || /^file:\/\/\/[^\s]*$/.test(u) || /^\/[^\s]*$/.test(u), {
    message: 'Use an https:// URL, a file:/// URL or an absolute path',
  });

export const RepoName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}(\/[A-Za-z0-9][A-Za-z0-9._-]{0,99})?$/, {
    message: 'Use letters, digits, ".", "_" or "-", optionally as owner/name (e.g. acme/web)',
  });

export const ConfigPath = z
  .string()
  .trim()
  .min(1)
  .refine((p) => !p.startsWith('/') && !p.split('/').includes('..'), { message: 'A path inside the repository' });

export const RepoInput = z.object({
  name: RepoName,
  cloneUrl: CloneUrl,
  defaultBranch: z.string().trim().min(1).default('main'),
  configPath: ConfigPath.default('.ci/pipeline.yml'),
});
export type RepoInput = z.input<typeof RepoInput>;

export const RepoUpdate = z.object({
  cloneUrl: CloneUrl.optional(),
  defaultBranch: z.string().trim().min(1).optional(),
  configPath: ConfigPath.optional(),
});
export type RepoUpdate = z.input<typeof RepoUpdate>;

const publicFields = {
  id: true,
  name: true,
  cloneUrl: true,
  defaultBranch: true,
  configPath: true,
  createdAt: true,
  updatedAt: true,
} as const;

export interface CreatedRepo {
  id: string;
  name: string;
  cloneUrl: string;
  defaultBranch: string;
  configPath: string;
  /** Shown once: paste it into the VCS's webhook settings. */
  webhookSecret: string;
}

export async function createRepo(db: DbTx, box: SecretBox, raw: RepoInput): Promise<CreatedRepo> {
  const input = RepoInput.parse(raw);
  if (await db.repo.findUnique({ where: { name: input.name }, select: { id: true } })) {
    throw new Conflict(`A repository named ${input.name} already exists`);
  }
  const webhookSecret = crypto.randomBytes(32).toString('hex');
  const repo = await db.repo.create({
    data: {
      ...input,
      webhookSecretEnc: box.seal(webhookSecret),
      pipelines: { create: { name: input.name, configPath: input.configPath } },
    },
    select: publicFields,
  });
  return { ...repo, webhookSecret };
}

export async function listRepos(db: DbTx) {
  return db.repo.findMany({ orderBy: { name: 'asc' }, select: publicFields });
}

export async function getRepo(db: DbTx, idOrName: string) {
  const isUuid = /^[0-9a-f-]{36}$/i.test(idOrName);
  const repo = await db.repo.findFirst({
    where: isUuid ? { OR: [{ id: idOrName }, { name: idOrName }] } : { name: idOrName },
    select: publicFields,
  });
  if (!repo) throw new NotFound(`Repository ${idOrName}`);
  return repo;
}

export async function updateRepo(db: DbTx, id: string, raw: RepoUpdate) {
  const input = RepoUpdate.parse(raw);
  const repo = await getRepo(db, id);
  if (input.configPath && input.configPath !== repo.configPath) {
    await db.pipeline.upsert({
      where: { repoId_configPath: { repoId: repo.id, configPath: input.configPath } },
      create: { repoId: repo.id, name: repo.name, configPath: input.configPath },
      update: {},
    });
  }
  return db.repo.update({ where: { id: repo.id }, data: input, select: publicFields });
}

export async function deleteRepo(db: DbTx, id: string): Promise<void> {
  const repo = await getRepo(db, id);
  await db.repo.delete({ where: { id: repo.id } });
}

/** Generates a new webhook secret (the old one stops working at once). */
export async function rotateWebhookSecret(db: DbTx, box: SecretBox, id: string): Promise<string> {
  const repo = await getRepo(db, id);
  const webhookSecret = crypto.randomBytes(32).toString('hex');
  await db.repo.update({ where: { id: repo.id }, data: { webhookSecretEnc: box.seal(webhookSecret) } });
  return webhookSecret;
}
