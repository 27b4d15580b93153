// Artifacts: a job's declared files, uploaded by its runner as one archive
// straight to object storage through a pre-signed URL, then registered here
// once the server has checked the object's size and sha256 against what the
// runner announced. A later upload of the same job (a retry) replaces it.
import crypto from 'node:crypto';
import { ArtifactName, type ArtifactAnnouncement } from '../../contracts/runner';
import type { Db } from '../../db/client';
import type { ObjectStore } from '../../storage/object-store';
import { ValidationError } from '../errors';
import type { JobConfig } from '../pipeline-config/model';

/** How long the runner has to upload once it was given the URL. */
const UPLOAD_URL_SECONDS = 30 * 60;

/** The running attempt an upload belongs to (see attemptForToken). */
export interface UploadingAttempt {
  number: number;
  job: { id: string; runId: string; createdAt: Date; name: string; spec: unknown };
}

export function artifactKey(runId: string, jobId: string, attempt: number, name: string): string {
  return `artifacts/${runId}/${jobId}/${attempt}/${ArtifactName.parse(name)}.tar.gz`;
}

function declared(attempt: UploadingAttempt, name: string) {
  const spec = attempt.job.spec as JobConfig;
  if (spec.artifacts?.name !== name) {
    throw new ValidationError(
      spec.artifacts
        ? `Job ${attempt.job.name} produces the artifact '${spec.artifacts.name}', not '${name}'`
        : `Job ${attempt.job.name} declares no artifacts`,
    );
  }
  return spec.artifacts;
}

/** A URL to PUT the archive to. */
export async function artifactUploadUrl(
  objects: ObjectStore,
  maxBytes: number,
  attempt: UploadingAttempt,
  a: ArtifactAnnouncement,
): Promise<{ url: string; key: string }> {
  declared(attempt, a.name);
  if (a.sizeBytes > maxBytes) {
    throw new ValidationError(`Artifact ${a.name} is ${a.sizeBytes} bytes; the largest accepted is ${maxBytes}`);
  }
  const key = artifactKey(attempt.job.runId, attempt.job.id, attempt.number, a.name);
  return { url: await objects.presignPut(key, UPLOAD_URL_SECONDS), key };
}

async function digest(objects: ObjectStore, key: string): Promise<{ sizeBytes: number; sha256: string } | null> {
  const stream = await objects.getStream(key);
  if (!stream) return null;
  const hash = crypto.createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}

/** Registers the uploaded archive once its bytes match the announcement. */
export async function commitArtifact(
  db: Db,
  objects: ObjectStore,
  attempt: UploadingAttempt,
  a: ArtifactAnnouncement,
  now: Date,
) {
  const config = declared(attempt, a.name);
  const key = artifactKey(attempt.job.runId, attempt.job.id, attempt.number, a.name);
  const actual = await digest(objects, key);
  if (!actual) throw new ValidationError(`Artifact ${a.name} was not uploaded`);
  if (actual.sizeBytes !== a.sizeBytes || actual.sha256 !== a.sha256) {
    await objects.delete(key);
    throw new ValidationError(
      `Artifact ${a.name} arrived as ${actual.sizeBytes} bytes with sha256 ${actual.sha256}, not the ${a.sizeBytes} bytes with sha256 ${a.sha256} announced`,
    );
  }
  const expiresAt = new Date(now.getTime() + config.expireInSeconds * 1000);
  const previous = await db.artifact.findUnique({ where: { jobId_name: { jobId: attempt.job.id, name: a.name } } });
  const row = await db.artifact.upsert({
    where: { jobId_name: { jobId: attempt.job.id, name: a.name } },
    create: {
      jobId: attempt.job.id,
      jobCreatedAt: attempt.job.createdAt,
      runId: attempt.job.runId,
      name: a.name,
      storageKey: key,
      sizeBytes: BigInt(a.sizeBytes),
      sha256: a.sha256,
      expiresAt,
      createdAt: now,
    },
    update: { storageKey: key, sizeBytes: BigInt(a.sizeBytes), sha256: a.sha256, expiresAt, createdAt: now },
  });
  if (previous && previous.storageKey !== key) await objects.delete(previous.storageKey);
  return { id: row.id, name: row.name, sizeBytes: a.sizeBytes, sha256: a.sha256, expiresAt };
}

/**
 * Deletes expired artifacts and their objects; returns how many. An artifact a
 * successful deployment shipped is kept past its expiry: it is what a rollback
 * to that deployment redeploys.
 */
export async function purgeExpiredArtifacts(db: Db, objects: ObjectStore, now: Date, batch = 500): Promise<number> {
  let purged = 0;
  for (;;) {
    const expired = await db.artifact.findMany({
      where: { expiresAt: { lte: now }, deployments: { none: { status: 'success' } } },
      select: { id: true, storageKey: true },
      take: batch,
    });
    if (expired.length === 0) return purged;
    for (const a of expired) await objects.delete(a.storageKey);
    await db.artifact.deleteMany({ where: { id: { in: expired.map((a) => a.id) } } });
    purged += expired.length;
  }
}
