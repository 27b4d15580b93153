// Job logs as objects on disk, one per chunk: logs/<job>/<attempt>/<seq>.
// Writing a chunk twice is harmless (the same seq is the same object), and no
// log line is ever stored in the database.
import fs from 'node:fs';
import path from 'node:path';

export class LogStore {
  constructor(private readonly dir: string) {}

  private folder(jobId: string, attempt: number): string {
    if (!/^[0-9a-f-]{36}$/i.test(jobId) || !Number.isInteger(attempt)) throw new Error('bad log address');
    return path.join(this.dir, jobId, String(attempt));
  }

  async write(jobId: string, attempt: number, seq: number, text: string): Promise<void> {
    const folder = this.folder(jobId, attempt);
    await fs.promises.mkdir(folder, { recursive: true });
    const file = path.join(folder, String(seq).padStart(8, '0'));
    const tmp = `${file}.${process.pid}.tmp`;
    await fs.promises.writeFile(tmp, text);
    await fs.promises.rename(tmp, file);
  }

  /** The whole log of an attempt, chunks in order; '' when there is none. */
  async read(jobId: string, attempt: number): Promise<string> {
    const folder = this.folder(jobId, attempt);
    const names = await fs.promises.readdir(folder).catch(() => [] as string[]);
    const chunks = await Promise.all(
      names
        .filter((n) => /^\d{8}$/.test(n))
        .sort()
        .map((n) => fs.promises.readFile(path.join(folder, n), 'utf8')),
    );
    return chunks.join('');
  }
}
