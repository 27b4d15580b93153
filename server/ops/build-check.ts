// Whether the web build is missing or older than the sources it was built from.
import fs from 'node:fs';
import path from 'node:path';

const SOURCES = ['app', 'components', 'server', 'next.config.mjs', 'package-lock.json', 'tsconfig.json'];

function newestMtime(p: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(p) ? 0 : stat.mtimeMs; // tests are not part of the build
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

export function buildIsStale(root: string): { stale: boolean; reason?: string } {
  const buildId = path.join(root, '.next', 'BUILD_ID');
  if (!fs.existsSync(buildId)) return { stale: true, reason: 'no build yet' };
  const built = fs.statSync(buildId).mtimeMs;
  const changed = SOURCES.find((s) => newestMtime(path.join(root, s)) > built);
  return changed ? { stale: true, reason: `${changed} changed since the last build` } : { stale: false };
}
