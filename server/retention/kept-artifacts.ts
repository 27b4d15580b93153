// The one thing of an old job that outlives it: an artifact a successful
// deployment shipped is what a rollback to that deployment redeploys, so (as
// purgeExpiredArtifacts does for expiry) retention keeps its row and object.
// The row lets go of the job (job_id and job_created_at become null) just
// before the job's partition goes; everything else of the job goes with it.
import type pg from 'pg';
import type { KeySlice } from './clear-dependents';

export interface OldArtifact {
  id: string;
  jobId: string;
  runId: string;
  storageKey: string;
  /** A successful deployment shipped it: keep the row and the object. */
  kept: boolean;
}

/** The artifacts of a slice of old jobs, each marked kept or not. */
export async function artifactsOfJobs(client: pg.ClientBase, slice: KeySlice): Promise<OldArtifact[]> {
  const r = await client.query<{ id: string; job_id: string; run_id: string; storage_key: string; kept: boolean }>(
    `SELECT a.id, a.job_id, a.run_id, a.storage_key,
            EXISTS (SELECT 1 FROM deployments d WHERE d.artifact_id = a.id AND d.status = 'success') AS kept
       FROM artifacts a
      WHERE a.job_id = ANY($1::uuid[]) AND a.job_created_at < $3 AND ($2::timestamptz IS NULL OR a.job_created_at >= $2)`,
    [slice.ids, slice.from, slice.to],
  );
  return r.rows.map((a) => ({ id: a.id, jobId: a.job_id, runId: a.run_id, storageKey: a.storage_key, kept: a.kept }));
}

/** Lets the kept artifacts go of their jobs; returns how many. */
export async function detachKeptArtifacts(client: pg.ClientBase, artifacts: OldArtifact[]): Promise<number> {
  const ids = artifacts.filter((a) => a.kept).map((a) => a.id);
  if (ids.length === 0) return 0;
  const r = await client.query(`UPDATE artifacts SET job_id = NULL, job_created_at = NULL WHERE id = ANY($1::uuid[])`, [
    ids,
  ]);
  return r.rowCount ?? 0;
}
