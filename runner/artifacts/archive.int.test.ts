// Packing and unpacking artifacts on a real filesystem with real tar archives.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterEach, describe, expect, it } from 'vitest';
import { packArchive, unpackArchive } from './archive';
import { selectArtifactPaths, UnsafeArtifactPath } from './select';

const dirs: string[] = [];
function tmp(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'artifact-test-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('artifact paths', () => {
  it('takes folders whole, files and globs, and reports patterns that match nothing', () => {
    const ws = tmp({
      'dist/app.js': 'a',
      'dist/css/site.css': 'b',
      'docs/x.html': 'c',
      'docs/y.md': 'd',
      'z.txt': 'e',
    });
    const s = selectArtifactPaths(ws, ['dist/', 'docs/*.html', 'missing/']);
    expect(s.entries).toEqual(['dist', 'dist/app.js', 'dist/css', 'dist/css/site.css', 'docs/x.html']);
    expect(s.unmatched).toEqual(['missing/']);
  });

  it('refuses .., absolute paths and links out of the workspace', () => {
    const ws = tmp({ 'dist/a': 'a' });
    expect(() => selectArtifactPaths(ws, ['../up'])).toThrow(UnsafeArtifactPath);
    expect(() => selectArtifactPaths(ws, ['/etc/passwd'])).toThrow(/absolute/);
    fs.symlinkSync('/etc/passwd', path.join(ws, 'dist/passwd'));
    expect(() => selectArtifactPaths(ws, ['dist/'])).toThrow(/outside the workspace/);
    fs.rmSync(path.join(ws, 'dist/passwd'));
    fs.symlinkSync('/etc', path.join(ws, 'etc'));
    expect(() => selectArtifactPaths(ws, ['etc/passwd'])).toThrow(/outside the workspace/);
  });
});

describe('artifact archives', () => {
  it('round-trips files, folders and in-workspace links byte for byte', async () => {
    const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));
    const ws = tmp({ 'dist/app.js': 'console.log(1)\n', 'dist/sub/data.txt': 'data' });
    fs.writeFileSync(path.join(ws, 'dist/blob.bin'), bytes);
    fs.symlinkSync('app.js', path.join(ws, 'dist/latest.js'));
    const packed = await packArchive(ws, selectArtifactPaths(ws, ['dist']).entries, path.join(tmp(), 'a.tgz'));
    expect(packed.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(packed.sizeBytes).toBe(fs.statSync(packed.file).size);
    const target = tmp();
    await unpackArchive(packed.file, target);
    expect(fs.readFileSync(path.join(target, 'dist/blob.bin')).equals(bytes)).toBe(true);
    expect(fs.readFileSync(path.join(target, 'dist/sub/data.txt'), 'utf8')).toBe('data');
    expect(fs.readlinkSync(path.join(target, 'dist/latest.js'))).toBe('app.js');
  });

  it('refuses an archive with an entry that climbs out, and writes nothing', async () => {
    const src = tmp({ 'inside/ok.txt': 'ok', x: 'evil' });
    const file = path.join(tmp(), 'evil.tgz');
    await tar.create({ gzip: true, file, cwd: path.join(src, 'inside'), preservePaths: true }, ['ok.txt', '../x']);
    const target = tmp();
    await expect(unpackArchive(file, target)).rejects.toThrow(/'..\/x' goes up out of the workspace/);
    expect(fs.readdirSync(target)).toEqual([]);
  });

  it('refuses an archive with a link pointing outside', async () => {
    const src = tmp();
    fs.symlinkSync('/etc/passwd', path.join(src, 'passwd'));
    const file = path.join(tmp(), 'link.tgz');
    await tar.create({ gzip: true, file, cwd: src }, ['passwd']);
    await expect(unpackArchive(file, tmp())).rejects.toThrow(/outside the workspace/);
  });
});
