// Wakes runners' long polls: one LISTEN connection per process on the jobs
// channel; a claim that finds nothing waits here for its pool's NOTIFY (or a
// short fallback timeout, which covers notifications lost while the listener
// reconnects).
import pg from 'pg';
import { JOBS_CHANNEL } from '../queue/queues';
import type { Logger } from '../log';

export class JobListener {
  private client: pg.Client | undefined;
  private readonly waiters = new Map<string, Set<() => void>>();
  private connecting: Promise<void> | undefined;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly log: Logger,
  ) {}

  private connect(): Promise<void> {
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: this.url, application_name: 'switchyard-listener' });
      client.on('notification', (n) => this.wake(n.payload ?? ''));
      client.on('error', (err) => {
        this.log.warn({ err: err.message }, 'job listener lost its connection; reconnecting');
        this.client = undefined;
        this.connecting = undefined;
        this.wakeAll(); // waiters fall back to polling once
        if (!this.closed) setTimeout(() => void this.connect().catch(() => undefined), 500);
      });
      await client.connect();
      await client.query(`LISTEN ${JOBS_CHANNEL}`);
      this.client = client;
    })();
    return this.connecting;
  }

  private wake(pool: string): void {
    for (const resolve of this.waiters.get(pool) ?? []) resolve();
  }

  private wakeAll(): void {
    for (const set of this.waiters.values()) for (const resolve of set) resolve();
  }

  /** Resolves when a job may be waiting in `pool`, or after `ms`. */
  async wait(pool: string, ms: number, signal?: AbortSignal): Promise<void> {
    await this.connect().catch(() => undefined);
    await new Promise<void>((resolve) => {
      const set = this.waiters.get(pool) ?? new Set();
      this.waiters.set(pool, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeAll();
    await this.client?.end().catch(() => undefined);
  }
}
