// What a runner needs beyond the job itself when it claims one: the secrets it
// may read, the artifacts of the jobs it needs (as pre-signed download URLs
// with their checksums, or why one is missing), and the log size limit.
import type { Db } from '../../db/client';
import type { ObjectStore } from '../../storage/object-store';
import type { SecretBox } from '../auth/secret-box';
import type { JobConfig } from '../pipeline-config/model';
import { secretsFor } from '../secret/secrets';
import type { ClaimedJob } from './claim';

export interface ArtifactDownload {
  name: string;
  /** The job that made it. */
  job: string;
  url: string;
  sizeBytes: number;
  sha256: string;
}

export interface MissingArtifact {
  name: string;
  job: string;
  reason: string;
}

export interface JobInputs {
  /** Secret values by variable name; the runner sets them and masks them. */
  secrets: Record<string, string>;
  artifacts: ArtifactDownload[];
  missingArtifacts: MissingArtifact[];
  logLimitBytes: number;
}

/** Grace over the job's timeout for download links. */
const URL_GRACE_SECONDS = 30 * 60;

export async function jobInputs(
  s: { db: Db; box: SecretBox; objects: ObjectStore; now: () => Date; limits: { logBytes: number } },
  claimed: ClaimedJob,
): Promise<JobInputs> {
  const job = await s.db.job.findFirstOrThrow({
    where: { id: claimed.jobId, runId: claimed.runId },
    select: {
      needs: true,
      run: { select: { fromFork: true, branch: true, pipeline: { select: { repoId: true } } } },
    },
  });
  const secrets = await secretsFor(s.db, s.box, {
    repoId: job.run.pipeline.repoId,
    branch: job.run.branch,
    fromFork: job.run.fromFork,
    environment: claimed.spec.deploy?.environment ?? null,
  });

  const artifacts: ArtifactDownload[] = [];
  const missingArtifacts: MissingArtifact[] = [];
  if (job.needs.length > 0) {
    const needed = await s.db.job.findMany({
      where: { runId: claimed.runId, name: { in: job.needs } },
      select: { id: true, name: true, spec: true, status: true, artifacts: true },
      orderBy: { name: 'asc' },
    });
    const now = s.now();
    const expiresIn = claimed.spec.timeoutSeconds + URL_GRACE_SECONDS;
    for (const n of needed) {
      const declared = (n.spec as unknown as JobConfig).artifacts;
      if (!declared) continue;
      const row = n.artifacts.find((a) => a.name === declared.name);
      if (!row) {
        missingArtifacts.push({
          name: declared.name,
          job: n.name,
          reason:
            n.status === 'success'
              ? 'it was never uploaded (its paths matched no file)'
              : `job ${n.name} ended ${n.status}`,
        });
      } else if (row.expiresAt && row.expiresAt <= now) {
        missingArtifacts.push({ name: row.name, job: n.name, reason: `it expired at ${row.expiresAt.toISOString()}` });
      } else {
        artifacts.push({
          name: row.name,
          job: n.name,
          url: await s.objects.presignGet(row.storageKey, expiresIn),
          sizeBytes: Number(row.sizeBytes),
          sha256: row.sha256,
        });
      }
    }
  }
  return { secrets, artifacts, missingArtifacts, logLimitBytes: s.limits.logBytes };
}
