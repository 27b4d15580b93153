// Bare mirrors of real git repositories: clone once, fetch on demand, read a
// file at a commit, and stay correct when two processes fetch at once.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitRepo, type TestRepo } from '../../tests/git-repo';
import { Mirrors, toGitUrl } from './mirrors';

let repo: TestRepo;
let base: string;
const id = crypto.randomUUID();

beforeAll(() => {
  repo = createGitRepo({ '.ci/pipeline.yml': 'one', 'src/a.txt': 'a' });
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-mirror-test-'));
});
afterAll(() => {
  repo.remove();
  fs.rmSync(base, { recursive: true, force: true });
});

describe('mirrors', () => {
  it('clones on first use and reads a file at a commit', async () => {
    const mirrors = new Mirrors(base);
    const first = repo.sha();
    await mirrors.ensureCommit({ id, cloneUrl: repo.url }, first);
    expect(fs.existsSync(path.join(base, `${id}.git`, 'HEAD'))).toBe(true);
    expect(await mirrors.readFile(id, first, '.ci/pipeline.yml')).toBe('one');
    expect(await mirrors.readFile(id, first, 'missing.yml')).toBeNull();
    expect((await mirrors.commitInfo(id, first)).message).toBe('initial');
  });

  it('fetches new commits, branches and tags when asked for them', async () => {
    const mirrors = new Mirrors(base);
    const second = repo.commit({ '.ci/pipeline.yml': 'two' }, 'second');
    repo.tag('v2');
    expect(await mirrors.hasCommit(id, second)).toBe(false);
    await mirrors.ensureCommit({ id, cloneUrl: repo.url }, second);
    expect(await mirrors.readFile(id, second, '.ci/pipeline.yml')).toBe('two');
    expect(await mirrors.resolve(id, 'main')).toBe(second);
    expect(await mirrors.resolve(id, 'v2')).toBe(second);
    expect(await mirrors.resolve(id, 'nope')).toBeNull();
    expect(await mirrors.resolve(id, '--upload-pack=evil')).toBeNull();
  });

  it('refuses a commit the repository does not have, and junk that is not a SHA', async () => {
    const mirrors = new Mirrors(base);
    await expect(mirrors.ensureCommit({ id, cloneUrl: repo.url }, 'f'.repeat(40))).rejects.toThrow(/is not in/);
    await expect(mirrors.ensureCommit({ id, cloneUrl: repo.url }, 'HEAD; rm -rf /')).rejects.toThrow(
      /not a commit SHA/,
    );
  });

  it('survives concurrent fetches from two processes sharing the folder', async () => {
    const fresh = crypto.randomUUID();
    const a = new Mirrors(base);
    const b = new Mirrors(base);
    const shas = [repo.commit({ 'c.txt': '1' }, 'c1')];
    await Promise.all([a.fetch({ id: fresh, cloneUrl: repo.url }), b.fetch({ id: fresh, cloneUrl: repo.url })]);
    shas.push(repo.commit({ 'c.txt': '2' }, 'c2'));
    await Promise.all(Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).fetch({ id: fresh, cloneUrl: repo.url })));
    for (const sha of shas) expect(await a.hasCommit(fresh, sha)).toBe(true);
    expect(fs.readdirSync(base).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('turns absolute paths into file URLs and leaves URLs alone', () => {
    expect(toGitUrl('/srv/git/x')).toBe('file:///srv/git/x');
    expect(toGitUrl('https://github.com/a/b.git')).toBe('https://github.com/a/b.git');
  });
});
