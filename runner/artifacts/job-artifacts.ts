// A job's artifacts on the runner: before the script, the archives of the jobs
// it needs are downloaded, checked against their sha256 and unpacked into the
// workspace; after a successful script, its own `artifacts.paths` are packed,
// uploaded and registered. Anything missing, altered or unsafe fails the job
// with a message saying which artifact and why.
import fs from 'node:fs';
import path from 'node:path';
import { formatBytes } from '../../server/contracts/format-bytes';
import type { ServerApi } from '../api';
import type { ClaimedJobView } from '../job';
import { packArchive, unpackArchive } from './archive';
import { selectArtifactPaths } from './select';
import { downloadFile, uploadFile } from './transfer';

export class ArtifactError extends Error {}

export async function fetchNeededArtifacts(
  job: ClaimedJobView,
  workspace: string,
  scratch: string,
  output: (text: string) => void,
): Promise<void> {
  const missing = job.missingArtifacts[0];
  if (missing) {
    throw new ArtifactError(`artifact '${missing.name}' of job ${missing.job} is missing: ${missing.reason}`);
  }
  for (const a of job.artifacts) {
    const file = path.join(scratch, `${a.name}.tar.gz`);
    let got: { sizeBytes: number; sha256: string };
    try {
      got = await downloadFile(a.url, file);
    } catch (err) {
      throw new ArtifactError(
        `artifact '${a.name}' of job ${a.job} could not be downloaded: ${(err as Error).message}`,
      );
    }
    if (got.sha256 !== a.sha256 || got.sizeBytes !== a.sizeBytes) {
      throw new ArtifactError(
        `artifact '${a.name}' of job ${a.job} failed its checksum: expected ${a.sizeBytes} bytes with sha256 ${a.sha256}, ` +
          `got ${got.sizeBytes} bytes with sha256 ${got.sha256}. It was changed after it was uploaded.`,
      );
    }
    try {
      const entries = await unpackArchive(file, workspace);
      output(
        `Fetched artifact ${a.name} from ${a.job}: ${entries} entries, ${formatBytes(a.sizeBytes)}, sha256 ${a.sha256.slice(0, 12)}… verified\n`,
      );
    } catch (err) {
      throw new ArtifactError(`artifact '${a.name}' of job ${a.job} was refused: ${(err as Error).message}`);
    } finally {
      fs.rmSync(file, { force: true });
    }
  }
}

export async function uploadJobArtifacts(
  api: ServerApi,
  job: ClaimedJobView,
  workspace: string,
  scratch: string,
  output: (text: string) => void,
): Promise<void> {
  const config = job.spec.artifacts;
  if (!config) return;
  let selection;
  try {
    selection = selectArtifactPaths(workspace, config.paths);
  } catch (err) {
    throw new ArtifactError(`artifacts.paths: ${(err as Error).message}`);
  }
  for (const p of selection.unmatched) output(`Warning: artifacts path ${p} matched no file\n`);
  if (selection.entries.length === 0) {
    output(`No files for artifact ${config.name}: nothing was uploaded\n`);
    return;
  }
  const packed = await packArchive(workspace, selection.entries, path.join(scratch, `${config.name}.tar.gz`));
  const announcement = { token: job.token, name: config.name, sizeBytes: packed.sizeBytes, sha256: packed.sha256 };
  try {
    const { url } = await api.runner.artifactUploadUrl.mutate(announcement);
    await uploadFile(url, packed.file, packed.sizeBytes);
    await api.runner.artifactCommit.mutate(announcement);
  } catch (err) {
    throw new ArtifactError(`artifact '${config.name}' could not be uploaded: ${(err as Error).message}`);
  } finally {
    fs.rmSync(packed.file, { force: true });
  }
  output(
    `Uploaded artifact ${config.name}: ${selection.entries.length} entries, ${formatBytes(packed.sizeBytes)}, sha256 ${packed.sha256}\n`,
  );
}
