// The scheduler's daily retention pass (server/retention): at start, then
// every 24 h; sooner (in an hour) when a pass left a month unfinished, for
// example because live traffic kept a lock it needed. Each pass runs on a
// connection of its own (DETACH … CONCURRENTLY cannot share a pooled one),
// and one scheduler at a time runs it (the pass takes an advisory lock).
import pg from 'pg';
import type { Logger } from '../log';
import { runRetention, type RetentionMode, type RetentionReport } from '../retention/retention-pass';
import type { ObjectStore } from '../storage/object-store';

export const RETENTION_INTERVAL_MS = 24 * 3_600_000;
export const RETENTION_RETRY_MS = 3_600_000;

export interface RetentionLoopOptions {
  url: string;
  objects: ObjectStore;
  log: Logger;
  retentionDays: number;
  mode: RetentionMode;
  monthsAhead: number;
  now: () => Date;
}

export interface RetentionLoop {
  /** Runs a pass now (unless one is under way) and returns its report. */
  runNow(): Promise<RetentionReport | null>;
  stop(): Promise<void>;
}

export function startRetention(opts: RetentionLoopOptions): RetentionLoop {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<RetentionReport | null> | null = null;
  let stopped = false;

  async function pass(): Promise<RetentionReport | null> {
    const client = new pg.Client({ connectionString: opts.url, application_name: 'switchyard-retention' });
    client.on('error', (err) => opts.log.warn({ err: err.message }, 'retention connection lost'));
    await client.connect();
    try {
      return await runRetention(client, opts.objects, opts.log, {
        retentionDays: opts.retentionDays,
        mode: opts.mode,
        monthsAhead: opts.monthsAhead,
        now: opts.now(),
      });
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  function schedule(ms: number) {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => void runNow(), ms);
  }

  function runNow(): Promise<RetentionReport | null> {
    running ??= pass()
      .then((report) => {
        const unfinished = report?.months.some((m) => !m.dropped) ?? false;
        schedule(unfinished ? RETENTION_RETRY_MS : RETENTION_INTERVAL_MS);
        return report;
      })
      .catch((err) => {
        opts.log.error({ err }, 'retention pass failed');
        schedule(RETENTION_RETRY_MS);
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  }

  void runNow();
  return {
    runNow,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      // A pass cut short is finished by the next one; give it a moment, not the whole pass.
      await Promise.race([running, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
    },
  };
}
