// Job logs in object storage: one object per chunk the runner sends
// (logs/<job>/<attempt>/<seq>), and, once the attempt is over, the whole log
// as one object (logs/<job>/<attempt>.log) served through pre-signed URLs.
// Writing a chunk twice is harmless (the same seq is the same object). No log
// line is ever stored in the database.
import type { ObjectStore } from './object-store';

/** NOTIFY channel for new chunks; the payload is `<job>:<attempt>:<seq>`, never the text. */
export const LOG_CHANNEL = 'switchyard_logs';

export interface LogChunkText {
  seq: number;
  text: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class LogStore {
  constructor(private readonly objects: ObjectStore) {}

  private folder(jobId: string, attempt: number): string {
    if (!UUID.test(jobId) || !Number.isInteger(attempt) || attempt < 1) throw new Error('bad log address');
    return `logs/${jobId.toLowerCase()}/${attempt}`;
  }

  /** The key of an attempt's whole log (it exists once the attempt is over). */
  wholeKey(jobId: string, attempt: number): string {
    return `${this.folder(jobId, attempt)}.log`;
  }

  async write(jobId: string, attempt: number, seq: number, text: string): Promise<void> {
    await this.objects.put(`${this.folder(jobId, attempt)}/${String(seq).padStart(8, '0')}`, text);
  }

  /** The seq after the last chunk written (0 when there is none): where a line the server adds goes. */
  async nextSeq(jobId: string, attempt: number): Promise<number> {
    const prefix = `${this.folder(jobId, attempt)}/`;
    const seqs = (await this.objects.list(prefix)).map((o) => Number(o.key.slice(prefix.length)));
    return Math.max(-1, ...seqs.filter(Number.isInteger)) + 1;
  }

  /** Chunks after `afterSeq`, in order (at most `limit`). */
  async chunks(jobId: string, attempt: number, afterSeq = -1, limit = 1000): Promise<LogChunkText[]> {
    const prefix = `${this.folder(jobId, attempt)}/`;
    const listed = await this.objects.list(prefix);
    const wanted = listed
      .map((o) => ({ key: o.key, seq: Number(o.key.slice(prefix.length)) }))
      .filter((o) => Number.isInteger(o.seq) && o.seq > afterSeq)
      .sort((a, b) => a.seq - b.seq)
      .slice(0, limit);
    const texts = await Promise.all(wanted.map((o) => this.objects.get(o.key)));
    return wanted.map((o, i) => ({ seq: o.seq, text: texts[i]?.toString('utf8') ?? '' }));
  }

  /** The whole log of an attempt; '' when there is none. */
  async read(jobId: string, attempt: number): Promise<string> {
    const whole = await this.objects.get(this.wholeKey(jobId, attempt));
    return whole ? whole.toString('utf8') : this.joinChunks(jobId, attempt);
  }

  private async joinChunks(jobId: string, attempt: number): Promise<string> {
    const parts: string[] = [];
    for (let after = -1; ;) {
      const batch = await this.chunks(jobId, attempt, after);
      if (batch.length === 0) break;
      parts.push(...batch.map((c) => c.text));
      after = batch[batch.length - 1]!.seq;
    }
    return parts.join('');
  }

  /** Writes the whole log of an attempt as one object (again, if it is written again); returns its key. */
  async compact(jobId: string, attempt: number): Promise<string> {
    const key = this.wholeKey(jobId, attempt);
    await this.objects.put(key, await this.joinChunks(jobId, attempt));
    return key;
  }

  /** A link to the whole log (the attempt's chunks so far, while it runs). */
  async downloadUrl(jobId: string, attempt: number, finished: boolean, expiresInSeconds = 3600): Promise<string> {
    const key =
      finished && (await this.objects.head(this.wholeKey(jobId, attempt)))
        ? this.wholeKey(jobId, attempt)
        : await this.compactSnapshot(jobId, attempt);
    return this.objects.presignGet(key, expiresInSeconds, { filename: `job-${jobId}-attempt-${attempt}.log` });
  }

  private async compactSnapshot(jobId: string, attempt: number): Promise<string> {
    const key = `${this.folder(jobId, attempt)}.partial.log`;
    await this.objects.put(key, await this.joinChunks(jobId, attempt));
    return key;
  }

  /** Removes every log of a job. */
  async deleteJob(jobId: string): Promise<number> {
    if (!UUID.test(jobId)) throw new Error('bad log address');
    return this.objects.deletePrefix(`logs/${jobId.toLowerCase()}/`);
  }
}
