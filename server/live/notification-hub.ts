// Live updates for people: one LISTEN connection per web process on the
// channels the dashboard follows (run and job changes, new log chunks), fanned
// out to every open subscription. Payloads are ids, never content: a
// subscriber reads what changed from the database or the object store.
import pg from 'pg';
import type { Logger } from '../log';
import { LOG_CHANNEL } from '../storage/log-store';

export type Listener = (payload: string) => void;

/** A run changed (payload: the run id); sent by a trigger on run_events. */
export const RUNS_CHANNEL = 'switchyard_runs';
/** The channels the web process listens on. */
export const LIVE_CHANNELS = [RUNS_CHANNEL, LOG_CHANNEL] as const;

export class NotificationHub {
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private readonly listeners = new Map<string, Set<Listener>>();
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly channels: readonly string[],
    private readonly log: Logger,
  ) {}

  private connect(): Promise<void> {
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, application_name: 'switchyard-live' });
      client.on('notification', (n) => {
        for (const fn of this.listeners.get(n.channel) ?? []) fn(n.payload ?? '');
      });
      client.on('error', (err) => {
        this.log.warn({ err: err.message }, 'live listener lost its connection; reconnecting');
        this.client = undefined;
        this.connecting = undefined;
        // Subscribers poll as a fallback, so a notification lost meanwhile only delays them.
        if (!this.closed) setTimeout(() => void this.connect().catch(() => undefined), 500);
      });
      await client.connect();
      for (const channel of this.channels) await client.query(`LISTEN ${channel}`);
      this.client = client;
    })();
    return this.connecting;
  }

  /** Calls `fn` with each payload on `channel` until the returned function is called. */
  async subscribe(channel: string, fn: Listener): Promise<() => void> {
    if (!this.channels.includes(channel)) throw new Error(`not listening on ${channel}`);
    await this.connect().catch((err: Error) => this.log.warn({ err: err.message }, 'live listener cannot connect'));
    const set = this.listeners.get(channel) ?? new Set();
    this.listeners.set(channel, set);
    set.add(fn);
    return () => set.delete(fn);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.client?.end().catch(() => undefined);
  }
}

/**
 * Signals as an async iterable: yields once per burst of matching payloads (at
 * most every `minGapMs`), and at least every `fallbackMs` so that a lost
 * notification only delays the subscriber. Ends when `signal` aborts.
 */
export async function* changes(
  hub: NotificationHub,
  channel: string,
  matches: (payload: string) => boolean,
  signal: AbortSignal | undefined,
  opts: { minGapMs?: number; fallbackMs?: number } = {},
): AsyncGenerator<void> {
  const minGapMs = opts.minGapMs ?? 100;
  const fallbackMs = opts.fallbackMs ?? 5_000;
  let pending = false;
  let wake: (() => void) | undefined;
  const unsubscribe = await hub.subscribe(channel, (payload) => {
    if (!matches(payload)) return;
    pending = true;
    wake?.();
  });
  try {
    while (!signal?.aborted) {
      if (!pending) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, fallbackMs);
          function done() {
            clearTimeout(timer);
            signal?.removeEventListener('abort', done);
            wake = undefined;
            resolve();
          }
          wake = done;
          signal?.addEventListener('abort', done, { once: true });
        });
      }
      if (signal?.aborted) return;
      pending = false;
      yield;
      await new Promise((r) => setTimeout(r, minGapMs));
    }
  } finally {
    unsubscribe();
  }
}
