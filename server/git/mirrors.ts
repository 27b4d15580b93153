// A bare mirror per repository under DATA_DIR/mirrors, fetched on each
// trigger. Fetches of one repository are serialised (and a caller that finds
// one in flight joins the next), so concurrent triggers never race on refs.
import fs from 'node:fs';
import path from 'node:path';
import { git, GitError } from './git';

export interface MirrorRepo {
  id: string;
  cloneUrl: string;
}

export interface CommitInfo {
  sha: string;
  message: string;
  committedAt: Date;
}

const SHA = /^[0-9a-f]{40}$/;
const MAX_CONFIG_BYTES = 1024 * 1024;

export class Mirrors {
  private readonly queues = new Map<string, Promise<void>>();

  constructor(private readonly baseDir: string) {}

  pathOf(repoId: string): string {
    if (!/^[0-9a-f-]{36}$/i.test(repoId)) throw new Error(`not a repository id: ${repoId}`);
    return path.join(this.baseDir, `${repoId}.git`);
  }

  /** Brings the mirror up to date (cloning it the first time). */
  fetch(repo: MirrorRepo): Promise<void> {
    const previous = this.queues.get(repo.id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.fetchNow(repo));
    this.queues.set(repo.id, next);
    void next
      .finally(() => {
        if (this.queues.get(repo.id) === next) this.queues.delete(repo.id);
      })
      .catch(() => undefined);
    return next;
  }

  private async fetchNow(repo: MirrorRepo): Promise<void> {
    const dir = this.pathOf(repo.id);
    const url = toGitUrl(repo.cloneUrl);
    if (!fs.existsSync(path.join(dir, 'HEAD'))) {
      fs.mkdirSync(this.baseDir, { recursive: true });
      const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
      await git(['clone', '--mirror', '--quiet', '--', url, tmp], { timeoutMs: 300_000 });
      try {
        fs.renameSync(tmp, dir);
      } catch (err) {
        // Another process (web or scheduler) cloned it first: use theirs.
        fs.rmSync(tmp, { recursive: true, force: true });
        if (!fs.existsSync(path.join(dir, 'HEAD'))) throw err;
      }
      return;
    }
    const current = (await git(['config', '--get', 'remote.origin.url'], { cwd: dir }).catch(() => '')).trim();
    if (current !== url) await retryOnLock(() => git(['remote', 'set-url', 'origin', url], { cwd: dir }));
    await retryOnLock(() => git(['fetch', '--prune', '--quiet', 'origin'], { cwd: dir, timeoutMs: 300_000 }));
  }

  /** Makes sure `sha` is in the mirror: fetches, then asks for it (or the pull request's head) by name. */
  async ensureCommit(repo: MirrorRepo, sha: string, pullNumber?: number): Promise<void> {
    if (!SHA.test(sha)) throw new GitError(`not a commit SHA: ${sha}`, '');
    if (await this.hasCommit(repo.id, sha)) return;
    await this.fetch(repo);
    if (await this.hasCommit(repo.id, sha)) return;
    const dir = this.pathOf(repo.id);
    const wants = pullNumber ? [`refs/pull/${pullNumber}/head`, sha] : [sha];
    for (const want of wants) {
      await git(['fetch', '--quiet', 'origin', want], { cwd: dir }).catch(() => undefined);
      if (await this.hasCommit(repo.id, sha)) return;
    }
    throw new GitError(`commit ${sha} is not in ${repo.cloneUrl}`, '');
  }

  async hasCommit(repoId: string, sha: string): Promise<boolean> {
    const dir = this.pathOf(repoId);
    if (!fs.existsSync(dir)) return false;
    return git(['cat-file', '-e', `${sha}^{commit}`], { cwd: dir }).then(
      () => true,
      () => false,
    );
  }

  /** The commit a branch, tag or SHA names, or null. */
  async resolve(repoId: string, ref: string): Promise<string | null> {
    if (ref.startsWith('-')) return null;
    const dir = this.pathOf(repoId);
    for (const candidate of [ref, `refs/heads/${ref}`, `refs/tags/${ref}`]) {
      const sha = await git(['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`], { cwd: dir }).catch(
        () => '',
      );
      if (SHA.test(sha.trim())) return sha.trim();
    }
    return null;
  }

  /** A file's text at a commit, or null when the commit has no such file. */
  async readFile(repoId: string, sha: string, filePath: string): Promise<string | null> {
    // One git process: read at most a little over the limit, then judge the size.
    const text = await git(['cat-file', 'blob', `${sha}:${filePath}`], {
      cwd: this.pathOf(repoId),
      maxBuffer: MAX_CONFIG_BYTES + 1,
    }).catch((err: unknown) => {
      if (err instanceof GitError && /maxBuffer/i.test(err.message))
        throw new GitError(`${filePath} is over 1 MiB`, '');
      return null;
    });
    if (text !== null && Buffer.byteLength(text) > MAX_CONFIG_BYTES)
      throw new GitError(`${filePath} is over 1 MiB`, '');
    return text;
  }

  async commitInfo(repoId: string, sha: string): Promise<CommitInfo> {
    const out = await git(['log', '-1', '--format=%cI%x00%B', sha, '--'], { cwd: this.pathOf(repoId) });
    const [date, ...message] = out.split('\0');
    return { sha, committedAt: new Date(date ?? ''), message: message.join('\0').trim() };
  }
}

/**
 * Another process (web and scheduler share the mirrors) may hold one of git's
 * lock files for a moment: retry a few times before giving up.
 */
async function retryOnLock<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const locked = err instanceof GitError && /lock|could not set/i.test(err.stderr);
      if (attempt >= 5 || !locked) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

/** Absolute paths become file:// URLs; https:// and file:// pass unchanged. */
export function toGitUrl(cloneUrl: string): string {
  return cloneUrl.startsWith('/') ? `file://${cloneUrl}` : cloneUrl;
}
