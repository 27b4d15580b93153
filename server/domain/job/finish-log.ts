// Once an attempt is over, its chunks become one object: the whole log that
// downloads are served from. `jobs.log_url` is the app's stable link to it
// (/api/jobs/<id>/log?attempt=N), which answers with a fresh pre-signed URL. A failure here
// loses nothing (the chunks stay and are read instead), so it is logged, not thrown.
import type { Db } from '../../db/client';
import type { Logger } from '../../log';
import type { LogStore } from '../../storage/log-store';

export async function finishLog(
  s: { db: Db; logs: LogStore; log: Logger },
  job: { id: string; createdAt: Date },
  attempt: number,
): Promise<void> {
  try {
    await s.logs.compact(job.id, attempt);
    await s.db.job.updateMany({
      where: { id: job.id, createdAt: job.createdAt },
      data: { logUrl: jobLogPath(job.id, attempt) },
    });
  } catch (err) {
    s.log.error({ err, jobId: job.id, attempt }, 'could not write the whole log; its chunks are kept');
  }
}

/** The app's stable link to an attempt's whole log. */
export function jobLogPath(jobId: string, attempt: number): string {
  return `/api/jobs/${jobId}/log?attempt=${attempt}`;
}
