// Why a queued job waits, in words a person acts on: nobody can take it (no
// runner in its pool, or none online), every slot is busy, or jobs of higher
// priority are ahead of it, or the slots left are kept for push and PR runs.
// Pure: the runners page feeds it what it read.
import { BACKGROUND_BELOW_PRIORITY } from '../../queue/queues';

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
  | { kind: 'reserved'; text: string }
  | { kind: 'next'; text: string };

/** A pool's background work (scheduled runs): how much runs now, and the most it may (claim.ts backgroundCap). */
export interface BackgroundRoom {
  running: number;
  cap: number;
}

/** Queue order: higher priority first, then first queued. */
export function queueOrder(a: QueuedJobRef, b: QueuedJobRef): number {
  return b.priority - a.priority || a.queuedAt.getTime() - b.queuedAt.getTime() || a.id.localeCompare(b.id);
}

/** A reason for each queued job of one pool, by job id. */
export function waitReasons(
  pool: string,
  runners: PoolRunner[],
  queued: QueuedJobRef[],
  background: BackgroundRoom = { running: 0, cap: Infinity },
): Map<string, WaitReason> {
  const out = new Map<string, WaitReason>();
  const ordered = [...queued].sort(queueOrder);
  const online = runners.filter((r) => r.online);
  const free = online.reduce((n, r) => n + Math.max(0, r.concurrency - r.running), 0);
  let freeLeft = free;
  let backgroundLeft = Math.max(0, background.cap - background.running);
  ordered.forEach((job, position) => {
    const isBackground = job.priority < BACKGROUND_BELOW_PRIORITY;
    if (runners.length === 0) {
      out.set(job.id, { kind: 'no_runner', text: `No runner is registered in pool ${pool}` });
    } else if (online.length === 0) {
      out.set(job.id, { kind: 'offline', text: `No runner of pool ${pool} is online (${runners.length} registered)` });
    } else if (freeLeft > 0 && (!isBackground || backgroundLeft > 0)) {
      freeLeft--;
      if (isBackground) backgroundLeft--;
      out.set(job.id, { kind: 'next', text: 'A runner is free: it is being claimed' });
    } else if (freeLeft > 0) {
      out.set(job.id, {
        kind: 'reserved',
        text: `Scheduled work holds at most ${background.cap} slot${background.cap === 1 ? '' : 's'} of pool ${pool}: the rest stay free for push and PR runs`,
      });
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
