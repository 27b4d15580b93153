// An artifact travels as one gzipped tar with its size and sha256. Packing
// takes exactly the selected entries; unpacking first reads the whole archive
// and refuses it if any entry could land outside the workspace (absolute,
// `..`, a link pointing out, a device), then extracts.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import { insideRoot, UnsafeArtifactPath } from './select';

export interface PackedArchive {
  file: string;
  sizeBytes: number;
  sha256: string;
}

export async function fileDigest(file: string): Promise<{ sizeBytes: number; sha256: string }> {
  const hash = crypto.createHash('sha256');
  let sizeBytes = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    sizeBytes += (chunk as Buffer).length;
  }
  return { sizeBytes, sha256: hash.digest('hex') };
}

export async function packArchive(workspace: string, entries: string[], file: string): Promise<PackedArchive> {
  await tar.create({ gzip: true, file, cwd: workspace, portable: true, noDirRecurse: true }, entries);
  return { file, ...(await fileDigest(file)) };
}

const SAFE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink']);

/** Why an archive entry is unsafe to extract into `root`, or undefined. */
export function unsafeEntry(
  root: string,
  entry: { path: string; type: string; linkpath?: string },
): string | undefined {
  const p = entry.path;
  if (path.isAbsolute(p) || /^[a-zA-Z]:/.test(p)) return `'${p}' is an absolute path`;
  if (p.split(/[\\/]/).includes('..')) return `'${p}' goes up out of the workspace`;
  if (!SAFE_TYPES.has(entry.type)) return `'${p}' is a ${entry.type}, not a file, folder or link`;
  if (entry.type === 'SymbolicLink') {
    const target = path.resolve(path.dirname(path.join(root, p)), entry.linkpath ?? '');
    if (!insideRoot(root, target)) return `'${p}' is a link to ${entry.linkpath}, outside the workspace`;
  }
  return undefined;
}

export async function unpackArchive(file: string, workspace: string): Promise<number> {
  const root = fs.realpathSync(workspace);
  const problems: string[] = [];
  let count = 0;
  await tar.list({
    file,
    onReadEntry: (entry) => {
      count++;
      const problem = unsafeEntry(root, { path: entry.path, type: entry.type, linkpath: entry.linkpath });
      if (problem) problems.push(problem);
    },
  });
  if (problems.length > 0) throw new UnsafeArtifactPath(problems.slice(0, 3).join('; '));
  await tar.extract({ file, cwd: root, strict: true, preservePaths: false, noChmod: false });
  return count;
}
