// The chunks of one attempt's log turned into lines, published in batches: a
// burst of chunks costs one render (one per animation frame), and `end` is
// published at once. An external store for useSyncExternalStore.
import { LogLines, type LogLine } from './log-lines';

/** What `jobs.logTail` yields (inside its tracked envelope). */
export type TailEvent = { kind: 'chunk'; chunk: { seq: number; text: string } } | { kind: 'end' };

/** What the view shows: the lines of the attempt `key`, and whether they are all there. */
export interface FeedView {
  key: string;
  lines: LogLine[];
  ended: boolean;
}

/** Runs `task` later (once); returns a function that cancels it. */
export type Schedule = (task: () => void) => () => void;

const nextFrame: Schedule = (task) => {
  const id = requestAnimationFrame(task);
  return () => cancelAnimationFrame(id);
};

export class LogFeed {
  private key = '';
  private log = new LogLines();
  private lastSeq = -1;
  private cancel: (() => void) | null = null;
  private view: FeedView = { key: '', lines: [], ended: false };
  private readonly listeners = new Set<() => void>();

  constructor(private readonly schedule: Schedule = nextFrame) {}

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getView = (): FeedView => this.view;

  /** Takes one event of attempt `key`; an event of another attempt starts over. */
  accept(key: string, event: TailEvent): void {
    if (key !== this.key) this.restart(key);
    if (event.kind === 'end') {
      this.publish(true);
      return;
    }
    if (event.chunk.seq <= this.lastSeq) return; // sent again after a reconnect
    this.lastSeq = event.chunk.seq;
    this.log.push(event.chunk.text);
    this.cancel ??= this.schedule(() => {
      this.cancel = null;
      this.publish(false);
    });
  }

  /** Drops a pending publication (on unmount). */
  dispose(): void {
    this.cancel?.();
    this.cancel = null;
  }

  private restart(key: string): void {
    this.dispose();
    this.key = key;
    this.log = new LogLines();
    this.lastSeq = -1;
  }

  private publish(ended: boolean): void {
    this.dispose();
    this.view = { key: this.key, lines: this.log.lines(), ended };
    for (const listener of this.listeners) listener();
  }
}
