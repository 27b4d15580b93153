// Why a queued job waits, in words a person acts on: nobody can take it (no
// runner in its pool, or none online), every slot is busy, or jobs of higher
// priority are ahead of it. Pure: the runners page feeds it what it read.

export interface PoolRunner {
  online: boolean;
  concurrency: number;
  /** Jobs it runs now. */
  running: number;
}

export interface QueuedJobRef {
  id: string;
  priority: number;
  queuedAt: Date;
}

export type WaitReason =
  | { kind: 'no_runner'; text: string }
  | { kind: 'offline'; text: string }
  | { kind: 'busy'; text: string }
  | { kind: 'priority'; text: string }
  | { kind: 'next'; text: string };

/** Queue order: higher priority first, then first queued. */
export function queueOrder(a: QueuedJobRef, b: QueuedJobRef): number {
  return b.priority - a.priority || a.queuedAt.getTime() - b.queuedAt.getTime() || a.id.localeCompare(b.id);
}

/** A reason for each queued job of one pool, by job id. */
export function waitReasons(pool: string, runners: PoolRunner[], queued: QueuedJobRef[]): Map<string, WaitReason> {
  const out = new Map<string, WaitReason>();
  const ordered = [...queued].sort(queueOrder);
  const online = runners.filter((r) => r.online);
  const free = online.reduce((n, r) => n + Math.max(0, r.concurrency - r.running), 0);
  ordered.forEach((job, position) => {
    if (runners.length === 0) {
      out.set(job.id, { kind: 'no_runner', text: `No runner is registered in pool ${pool}` });
    } else if (online.length === 0) {
      out.set(job.id, { kind: 'offline', text: `No runner of pool ${pool} is online (${runners.length} registered)` });
    } else if (position < free) {
      out.set(job.id, { kind: 'next', text: 'A runner is free: it is being claimed' });
    } else {
      const ahead = ordered.slice(0, position);
      const higher = ahead.filter((j) => j.priority > job.priority).length;
      const slots = online.reduce((n, r) => n + r.concurrency, 0);
      out.set(
        job.id,
        higher > 0
          ? { kind: 'priority', text: `Behind ${higher} job${higher === 1 ? '' : 's'} of higher priority` }
          : {
              kind: 'busy',
              text: `All ${slots} slot${slots === 1 ? '' : 's'} of ${online.length} online runner${online.length === 1 ? '' : 's'} are busy; ${position - free} job${position - free === 1 ? '' : 's'} ahead`,
            },
      );
    }
  });
  return out;
}
