// `switchyard job logs ID [--follow]`: prints a job's log, without the
// per-line timestamps unless asked, and with --follow keeps printing new
// chunks until the attempt is over.
import { StampStripper } from '../server/contracts/log-format';
import type { ServerApi } from '../runner/api';

const POLL_MS = 500;
const TERMINAL = new Set(['success', 'failed', 'skipped', 'cancelled']);

export interface FollowOptions {
  attempt?: number;
  follow: boolean;
  timestamps: boolean;
  write: (text: string) => void;
}

export async function printJobLog(api: ServerApi, id: string, o: FollowOptions): Promise<void> {
  const stripper = new StampStripper();
  const show = (text: string) => o.write(o.timestamps ? text : stripper.strip(text));
  if (!o.follow) {
    const log = await api.jobs.log.query({ id, attempt: o.attempt });
    show(log.text);
    o.write(stripper.end());
    return;
  }
  let afterSeq = -1;
  for (;;) {
    const page = await api.jobs.logChunks.query({ id, attempt: o.attempt, afterSeq });
    let shown = 0;
    for (const c of page.chunks) {
      // Chunks may be stored out of order: wait at a gap until the attempt is over.
      if (c.seq !== afterSeq + 1 && !page.finished) break;
      show(c.text);
      afterSeq = c.seq;
      shown++;
    }
    if (shown > 0) continue; // more may be waiting
    if (page.finished) break;
    if (page.attempt === 0) {
      // Not started: it may never start (skipped, cancelled while queued).
      const job = await api.jobs.get.query({ id });
      if (TERMINAL.has(job.status) && job.attemptCount === 0) {
        o.write(`(job ${job.name} ended ${job.status} without running)\n`);
        break;
      }
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  o.write(stripper.end());
}
