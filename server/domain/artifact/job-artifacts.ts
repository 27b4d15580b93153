// A job's artifacts as people see them: size, checksum, expiry and a link.
import type { Db } from '../../db/client';
import type { ObjectStore } from '../../storage/object-store';

const LINK_SECONDS = 3600;

export async function jobArtifacts(s: { db: Db; objects: ObjectStore; now: () => Date }, jobId: string) {
  const rows = await s.db.artifact.findMany({ where: { jobId }, orderBy: { name: 'asc' } });
  const now = s.now();
  return Promise.all(
    rows.map(async (a) => {
      const expired = a.expiresAt !== null && a.expiresAt <= now;
      return {
        id: a.id,
        name: a.name,
        sizeBytes: Number(a.sizeBytes),
        sha256: a.sha256,
        createdAt: a.createdAt,
        expiresAt: a.expiresAt,
        expired,
        url: expired ? null : await s.objects.presignGet(a.storageKey, LINK_SECONDS, { filename: `${a.name}.tar.gz` }),
      };
    }),
  );
}
