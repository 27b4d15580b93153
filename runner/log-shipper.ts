// Sends a job's output to the server in numbered chunks, at most every 250 ms
// or 64 KiB, in order; a chunk that fails to send is retried (resending is
// harmless: the server keys chunks by their number).
export type SendChunk = (seq: number, text: string) => Promise<unknown>;
/** Errors not worth retrying (the server refuses the attempt): the rest of the log is dropped. */
export type IsFatal = (err: unknown) => boolean;

const FLUSH_MS = 250;
const MAX_CHUNK = 64 * 1024;

export class LogShipper {
  private buffer = '';
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> = Promise.resolve();

  private refused = false;

  constructor(
    private readonly send: SendChunk,
    private readonly isFatal: IsFatal = () => false,
  ) {}

  write(text: string): void {
    this.buffer += text;
    if (this.buffer.length >= MAX_CHUNK) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.buffer.length > 0) {
      const text = this.buffer.slice(0, MAX_CHUNK);
      this.buffer = this.buffer.slice(MAX_CHUNK);
      const seq = this.seq++;
      this.sending = this.sending.then(async () => {
        if (this.refused) return;
        try {
          await sendWithRetry(this.send, seq, text, this.isFatal);
        } catch (err) {
          if (!this.isFatal(err)) throw err;
          this.refused = true;
        }
      });
    }
  }

  /** Sends what is buffered and waits until every chunk is acknowledged. */
  async close(): Promise<void> {
    this.flush();
    await this.sending;
  }
}

async function sendWithRetry(send: SendChunk, seq: number, text: string, isFatal: IsFatal): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await send(seq, text);
      return;
    } catch (err) {
      if (attempt >= 20 || isFatal(err)) throw err;
      await new Promise((r) => setTimeout(r, Math.min(5_000, 100 * 2 ** attempt)));
    }
  }
}
