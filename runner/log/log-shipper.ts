// Ships a job's output to the server: each line stamped with the moment it
// arrived, secrets masked, batched into numbered chunks at most every 200 ms
// or 64 KiB. A few chunks may be in flight at once (readers order them by
// number); a chunk the server has not acknowledged is kept and resent (a
// resend is harmless: the server keys chunks by number), so a web restart
// loses no line. Past the job's size
// limit the output is dropped with a visible marker, never silently.
import { formatBytes } from '../../server/contracts/format-bytes';
import { LineStamper } from '../../server/contracts/log-format';
import { SecretMasker } from './secret-masker';

export type SendChunk = (seq: number, text: string) => Promise<unknown>;
/** Errors not worth retrying (the server refuses the attempt): the rest of the log is dropped. */
export type IsFatal = (err: unknown) => boolean;

export interface LogShipperOptions {
  send: SendChunk;
  isFatal?: IsFatal;
  /** Values to mask. */
  secrets?: Iterable<string>;
  /** Bytes of log kept for the job; the rest is dropped with a marker. */
  limitBytes?: number;
  flushMs?: number;
  maxChunkChars?: number;
  /** Chunks sent before the first is acknowledged: a flood is not held back by one round trip at a time. */
  maxInFlight?: number;
  /** How long one chunk may keep failing before the log is given up. */
  giveUpAfterMs?: number;
  now?: () => Date;
  onGiveUp?: (err: unknown) => void;
}

export const FLUSH_MS = 200;
export const MAX_CHUNK_CHARS = 64 * 1024;
export const MAX_IN_FLIGHT = 4;
export const DEFAULT_LOG_LIMIT_BYTES = 100 * 1024 * 1024;
const MAX_BACKOFF_MS = 2_000;

export function truncationMarker(limitBytes: number): string {
  return `\n[switchyard] The log is truncated here: this job printed more than its limit of ${formatBytes(limitBytes)}. The rest of its output was not kept.\n`;
}

export class LogShipper {
  private readonly o: Required<Omit<LogShipperOptions, 'secrets' | 'onGiveUp'>> & Pick<LogShipperOptions, 'onGiveUp'>;
  private readonly stamper = new LineStamper();
  private readonly masker: SecretMasker;
  private buffer = '';
  private seq = 0;
  private keptBytes = 0;
  private droppedBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private closing = false;
  private gaveUp = false;
  private idle: (() => void)[] = [];

  constructor(opts: LogShipperOptions) {
    this.o = {
      isFatal: () => false,
      limitBytes: DEFAULT_LOG_LIMIT_BYTES,
      flushMs: FLUSH_MS,
      maxChunkChars: MAX_CHUNK_CHARS,
      maxInFlight: MAX_IN_FLIGHT,
      giveUpAfterMs: 10 * 60_000,
      now: () => new Date(),
      ...opts,
    };
    this.masker = new SecretMasker(opts.secrets ?? []);
  }

  get truncated(): boolean {
    return this.droppedBytes > 0;
  }

  write(text: string): void {
    this.enqueue(this.masker.push(this.stamper.stamp(text, this.o.now())));
  }

  private enqueue(text: string): void {
    if (text === '' || this.gaveUp) return;
    if (this.droppedBytes > 0) {
      this.droppedBytes += Buffer.byteLength(text);
      return;
    }
    const bytes = Buffer.byteLength(text);
    if (this.keptBytes + bytes > this.o.limitBytes) {
      const room = this.o.limitBytes - this.keptBytes;
      const kept = sliceToBytes(text, room);
      this.droppedBytes = bytes - Buffer.byteLength(kept);
      this.keptBytes = this.o.limitBytes;
      this.buffer += kept + truncationMarker(this.o.limitBytes);
      this.kick(false);
      return;
    }
    this.keptBytes += bytes;
    this.buffer += text;
    if (this.buffer.length >= this.o.maxChunkChars) this.kick(false);
    else this.timer ??= setTimeout(() => this.kick(true), this.o.flushMs);
  }

  /**
   * Sends chunks while fewer than `maxInFlight` are unacknowledged: full ones
   * at once, a partial one only when `flush` says its time is up (or at close).
   * Chunks may be stored out of order; readers put them back in order by seq.
   */
  private kick(flush: boolean): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.inFlight < this.o.maxInFlight && !this.gaveUp && this.buffer.length > 0) {
      if (!flush && !this.closing && this.buffer.length < this.o.maxChunkChars) break;
      let cut = Math.min(this.buffer.length, this.o.maxChunkChars);
      if (cut < this.buffer.length && isHighSurrogate(this.buffer.charCodeAt(cut - 1))) cut--;
      const text = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut);
      const seq = this.seq++;
      this.inFlight++;
      void this.sendUntilAcknowledged(seq, text).finally(() => {
        this.inFlight--;
        this.kick(false);
      });
    }
    if (this.buffer.length > 0 && !this.gaveUp) this.timer = setTimeout(() => this.kick(true), this.o.flushMs);
    else if (this.inFlight === 0) for (const resolve of this.idle.splice(0)) resolve();
  }

  private async sendUntilAcknowledged(seq: number, text: string): Promise<void> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.o.send(seq, text);
        return;
      } catch (err) {
        if (this.o.isFatal(err) || Date.now() - started > this.o.giveUpAfterMs) {
          this.gaveUp = true;
          this.buffer = '';
          this.o.onGiveUp?.(err);
          return;
        }
        await new Promise((r) => setTimeout(r, Math.min(MAX_BACKOFF_MS, 50 * 2 ** attempt)));
      }
    }
  }

  /** Sends what is left and waits until every chunk is acknowledged (or the log was given up). */
  async close(): Promise<void> {
    this.enqueue(this.masker.flush());
    if (this.droppedBytes > 0) {
      this.buffer += this.stamper.stamp(
        `\n[switchyard] ${formatBytes(this.droppedBytes)} of output past the limit were dropped.\n`,
        this.o.now(),
      );
    }
    this.closing = true;
    const idle = new Promise<void>((resolve) => this.idle.push(resolve));
    this.kick(true);
    await idle;
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** The longest start of `text` within `bytes` bytes of UTF-8, not splitting a character. */
function sliceToBytes(text: string, bytes: number): string {
  if (bytes <= 0) return '';
  const buf = Buffer.from(text).subarray(0, bytes);
  const decoded = buf.toString('utf8');
  // A character cut in half decodes to U+FFFD at the end: drop it.
  return decoded.endsWith('\uFFFD') && !text.startsWith(decoded) ? decoded.slice(0, -1) : decoded;
}
