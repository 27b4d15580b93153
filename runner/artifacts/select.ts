// Which workspace entries an artifact's `paths` take: files and folders (with
// everything under them) or globs, relative to the workspace. A path that
// leaves the workspace, by `..`, by being absolute or through a link pointing
// outside, is refused: an artifact never carries what is not the job's own.
import fs from 'node:fs';
import path from 'node:path';
import { globToRegExp, isGlob } from '../../server/contracts/glob';

export class UnsafeArtifactPath extends Error {}

export interface Selection {
  /** Workspace-relative entries, parents before children, each once. */
  entries: string[];
  /** Patterns that matched nothing. */
  unmatched: string[];
}

/** The pattern as a clean relative path, or an error saying why it is not one. */
export function checkPattern(pattern: string): string {
  const p = pattern.replace(/\/+$/, '');
  if (p === '' || path.isAbsolute(pattern)) throw new UnsafeArtifactPath(`'${pattern}' is absolute or empty`);
  if (p.split('/').includes('..')) throw new UnsafeArtifactPath(`'${pattern}' goes up out of the workspace ('..')`);
  return p.replace(/^(\.\/)+/, '');
}

/** Whether `target`, a link's destination, stays inside `root`. */
export function insideRoot(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function walk(root: string, rel: string, out: string[]): void {
  out.push(rel);
  const full = path.join(root, rel);
  const stat = fs.lstatSync(full);
  if (stat.isSymbolicLink()) {
    const target = path.resolve(path.dirname(full), fs.readlinkSync(full));
    if (!insideRoot(root, target)) {
      throw new UnsafeArtifactPath(`'${rel}' is a link to ${fs.readlinkSync(full)}, outside the workspace`);
    }
    return;
  }
  if (!stat.isDirectory()) return;
  for (const name of fs.readdirSync(full).sort()) walk(root, path.posix.join(rel, name), out);
}

function allPaths(root: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    for (const d of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${d.name}` : d.name;
      if (child === '.git') continue;
      out.push(child);
      if (d.isDirectory()) visit(child);
    }
  };
  visit('');
  return out;
}

export function selectArtifactPaths(workspace: string, patterns: string[]): Selection {
  const root = fs.realpathSync(workspace);
  const picked: string[] = [];
  const unmatched: string[] = [];
  let everything: string[] | undefined;
  for (const pattern of patterns) {
    const clean = checkPattern(pattern);
    const matches = isGlob(clean)
      ? (everything ??= allPaths(root)).filter((p) => globToRegExp(clean).test(p))
      : fs.existsSync(path.join(root, clean)) || isLink(path.join(root, clean))
        ? [clean]
        : [];
    if (matches.length === 0) unmatched.push(pattern);
    for (const m of matches) {
      // A parent folder reached through a link would let the archive point outside.
      const parent = path.dirname(path.join(root, m));
      if (!insideRoot(root, fs.realpathSync(parent))) {
        throw new UnsafeArtifactPath(`'${m}' is under a link that leads outside the workspace`);
      }
      walk(root, m, picked);
    }
  }
  return { entries: [...new Set(picked)], unmatched };
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
