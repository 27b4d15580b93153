// The object-store side of retiring old jobs: their logs (every chunk and
// whole log under logs/<job>/) and their artifacts (the registered keys, and
// the job's artifacts/<run>/<job>/ folder for uploads never committed), except
// the artifacts a successful deployment shipped. Deleting a missing object is
// not an error, so a pass that stopped half-way simply runs again.
import type { ObjectStore } from '../storage/object-store';
import { LogStore } from '../storage/log-store';
import type { OldArtifact } from './kept-artifacts';

/** Object-store calls in flight at once. */
const PARALLEL = 8;

export interface OldJob {
  id: string;
  runId: string;
}

export interface ObjectsRemoved {
  logs: number;
  artifacts: number;
}

async function inParallel<T>(items: T[], fn: (item: T) => Promise<number>): Promise<number> {
  let total = 0;
  for (let i = 0; i < items.length; i += PARALLEL) {
    const done = await Promise.all(items.slice(i, i + PARALLEL).map(fn));
    total += done.reduce((a, b) => a + b, 0);
  }
  return total;
}

/** Deletes the logs and the artifacts (but the kept ones) of a slice of old jobs. */
export async function deleteJobObjects(
  objects: ObjectStore,
  jobs: OldJob[],
  artifacts: OldArtifact[],
): Promise<ObjectsRemoved> {
  const logStore = new LogStore(objects);
  const logs = await inParallel(jobs, (job) => logStore.deleteJob(job.id));
  const keepingJobs = new Set(artifacts.filter((a) => a.kept).map((a) => a.jobId));
  const registered = await inParallel(
    artifacts.filter((a) => !a.kept),
    async (a) => {
      const had = await objects.head(a.storageKey);
      await objects.delete(a.storageKey);
      return had ? 1 : 0;
    },
  );
  const strays = await inParallel(
    jobs.filter((job) => !keepingJobs.has(job.id)),
    (job) => objects.deletePrefix(`artifacts/${job.runId.toLowerCase()}/${job.id.toLowerCase()}/`),
  );
  return { logs, artifacts: registered + strays };
}
