// Real git repositories for tests: created in a temporary folder, committed
// to with a fixed identity.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestRepo {
  dir: string;
  url: string;
  /** Writes the files (null deletes), commits them on the current branch, returns the SHA. */
  commit(files: Record<string, string | null>, message?: string): string;
  /** Creates and checks out a branch. */
  branch(name: string): void;
  checkout(ref: string): void;
  tag(name: string): void;
  sha(ref?: string): string;
  remove(): void;
}

const IDENTITY = {
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
};

export function createGitRepo(files: Record<string, string> = {}): TestRepo {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-repo-'));
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, ...IDENTITY } }).trim();
  git('init', '-q', '-b', 'main');
  const repo: TestRepo = {
    dir,
    url: `file://${dir}`,
    commit(changes, message = 'change') {
      for (const [name, content] of Object.entries(changes)) {
        const file = path.join(dir, name);
        if (content === null) fs.rmSync(file, { force: true });
        else {
          fs.mkdirSync(path.dirname(file), { recursive: true });
          fs.writeFileSync(file, content);
        }
      }
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    branch: (name) => void git('checkout', '-q', '-b', name),
    checkout: (ref) => void git('checkout', '-q', ref),
    tag: (name) => void git('tag', name),
    sha: (ref = 'HEAD') => git('rev-parse', ref),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
  if (Object.keys(files).length > 0) repo.commit(files, 'initial');
  return repo;
}
