// A live log: the chunks of one attempt after a given one, then each new chunk
// as its NOTIFY arrives (a short fallback poll covers a lost notification),
// until the attempt is over and every chunk has been sent.
import type { Db } from '../db/client';
import type { LogChunkText, LogStore } from '../storage/log-store';
import { LOG_CHANNEL } from '../storage/log-store';
import { changes, type NotificationHub } from './notification-hub';

export type TailEvent = { kind: 'chunk'; chunk: LogChunkText } | { kind: 'end' };

export async function* tailLog(
  s: { db: Db; logs: LogStore; live: NotificationHub },
  jobId: string,
  attempt: number,
  afterSeq: number,
  signal: AbortSignal | undefined,
): AsyncGenerator<TailEvent> {
  const prefix = `${jobId}:${attempt}:`;
  const wakeups = changes(s.live, LOG_CHANNEL, (p) => p.startsWith(prefix), signal, {
    minGapMs: 50,
    fallbackMs: 2_000,
  });
  // Subscribed before the first read, so nothing written in between is missed.
  const first = wakeups.next();
  let last = afterSeq;
  try {
    for (let round = 0; !signal?.aborted; round++) {
      const over = await attemptOver(s.db, jobId, attempt);
      for (;;) {
        const chunks = await s.logs.chunks(jobId, attempt, last, 200);
        // The runner keeps a few chunks in flight, so one may be stored before the one
        // ahead of it: stop at a gap and wait for it (once the attempt is over, none is coming).
        let delivered = 0;
        for (const chunk of chunks) {
          if (chunk.seq !== last + 1 && !over) break;
          last = chunk.seq;
          delivered++;
          yield { kind: 'chunk', chunk };
        }
        if (chunks.length < 200 || delivered < chunks.length) break;
      }
      if (over) {
        yield { kind: 'end' };
        return;
      }
      await (round === 0 ? first : wakeups.next());
    }
  } finally {
    await wakeups.return(undefined);
  }
}

async function attemptOver(db: Db, jobId: string, attempt: number): Promise<boolean> {
  const row = await db.jobAttempt.findFirst({ where: { jobId, number: attempt }, select: { finishedAt: true } });
  return row?.finishedAt != null;
}
