// A job's JUnit reports on the runner: after the script, also when it failed,
// the files its `reports.junit` globs match in the workspace are sent to the
// server, one call each, before the attempt completes (the server needs them
// to tell a failure of quarantined tests from a real one). What the server
// made of each file goes into the job's log. A report that cannot be sent is
// logged, never fatal: the job's result stays the script's.
import fs from 'node:fs';
import path from 'node:path';
import { TEST_REPORT_MAX_BYTES } from '../../server/contracts/runner';
import { formatBytes } from '../../server/contracts/format-bytes';
import type { ServerApi } from '../api';
import { selectArtifactPaths } from '../artifacts/select';
import type { ClaimedJobView } from '../job';

type Summary = Awaited<ReturnType<ServerApi['runner']['testReport']['mutate']>>;

/** Report files the globs match: regular files only, each once, in a stable order. */
export function findReportFiles(workspace: string, patterns: string[]): { files: string[]; unmatched: string[] } {
  const { entries, unmatched } = selectArtifactPaths(workspace, patterns);
  const files = entries.filter((rel) => fs.lstatSync(path.join(workspace, rel)).isFile());
  return { files: [...new Set(files)].sort(), unmatched };
}

function describe(s: Summary): string {
  if (s.error !== null) return `Test report ${s.path} could not be read: ${s.error}\n`;
  const quarantined = s.quarantinedFailures.length ? `; quarantined: ${s.quarantinedFailures.join(', ')}` : '';
  return `Test report ${s.path}: ${s.tests} tests, ${s.failures} failed, ${s.skipped} skipped${quarantined}\n`;
}

export async function uploadTestReports(
  api: ServerApi,
  job: ClaimedJobView,
  workspace: string,
  output: (text: string) => void,
): Promise<void> {
  const patterns = job.spec.reports?.junit ?? [];
  if (patterns.length === 0) return;
  let found;
  try {
    found = findReportFiles(workspace, patterns);
  } catch (err) {
    output(`Test reports were not collected: reports.junit: ${(err as Error).message}\n`);
    return;
  }
  for (const p of found.unmatched) output(`Warning: reports.junit pattern ${p} matched no file\n`);
  for (const rel of found.files) {
    const file = path.join(workspace, rel);
    try {
      const sizeBytes = fs.statSync(file).size;
      const body =
        sizeBytes > TEST_REPORT_MAX_BYTES
          ? {
              problem: `the file is ${formatBytes(sizeBytes)}, over the limit of ${formatBytes(TEST_REPORT_MAX_BYTES)}`,
            }
          : { content: fs.readFileSync(file, 'utf8') };
      output(describe(await api.runner.testReport.mutate({ token: job.token, path: rel, sizeBytes, ...body })));
    } catch (err) {
      output(`Test report ${rel} could not be uploaded: ${(err as Error).message}\n`);
    }
  }
}
