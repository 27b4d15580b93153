'use client';
// A job attempt's log, live: subscribes to `jobs.logTail` (every chunk so far,
// then each new one, then `end`; a finished attempt gets all of them and `end`)
// and hands the chunks to a LogFeed, which turns them into lines and publishes
// them at most once per animation frame.
import { skipToken } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { useTRPC } from '@/components/trpc/client';
import { LogFeed } from './log-feed';
import type { LogLine } from './log-lines';

/**
 * - `connecting`: not connected yet (or reconnecting), or the job has no attempt yet;
 * - `live`: connected, chunks arrive as they are written;
 * - `ended`: every chunk has arrived and no more will come;
 * - `error`: the subscription failed (see `error`).
 */
export type JobLogStatus = 'connecting' | 'live' | 'ended' | 'error';

export interface JobLog {
  lines: LogLine[];
  status: JobLogStatus;
  error?: string;
}

const NO_LINES: LogLine[] = [];

/** `attempt` is null while the job has not started; `live` says whether it still may. */
export function useJobLog(jobId: string, attempt: number | null, live: boolean): JobLog {
  const trpc = useTRPC();
  const [feed] = useState(() => new LogFeed());
  useEffect(() => () => feed.dispose(), [feed]);
  const published = useSyncExternalStore(feed.subscribe, feed.getView, feed.getView);
  // Another job or attempt shows nothing until its own first batch.
  const key = `${jobId}:${attempt ?? '-'}`;
  const view = published.key === key ? published : { lines: NO_LINES, ended: false };

  const sub = useSubscription(
    trpc.jobs.logTail.subscriptionOptions(attempt === null ? skipToken : { id: jobId, attempt, afterSeq: -1 }, {
      enabled: attempt !== null && !view.ended,
      onData: (tracked) => feed.accept(key, tracked.data),
    }),
  );

  if (view.ended) return { lines: view.lines, status: 'ended' };
  if (attempt === null) return { lines: view.lines, status: live ? 'connecting' : 'ended' };
  if (sub.status === 'error') return { lines: view.lines, status: 'error', error: sub.error.message };
  return { lines: view.lines, status: sub.status === 'pending' ? 'live' : 'connecting' };
}
