// The releases a machine can run: each artifact downloaded once, checked
// against its sha256 and size, and unpacked to `<root>/<version>/`. A release
// folder appears by one rename of a finished temporary folder, with its
// marker file already inside: so a folder with a marker is complete, and a
// crash mid-way leaves only `.tmp-*` litter, never a half-unpacked release.
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { unpackArchive } from '../../../runner/artifacts/archive';
import { OrchestratorError, type ReleaseSpec } from '../orchestrator';

/** Written inside a release folder once it is fully unpacked. */
const MARKER = '.switchyard-release.json';

interface Marker {
  version: string;
  artifact: string;
  sha256: string;
  sizeBytes: number;
}

/** A version or environment name used as one path segment. */
export function checkSegment(kind: string, name: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name.length > 128) {
    throw new OrchestratorError(`${kind} '${name}' must be letters, digits, '.', '_' or '-' (a folder name)`);
  }
  return name;
}

/** The command of the `web:` process type of a Procfile's text, if any. */
export function procfileWeb(text: string): string | undefined {
  for (const line of text.split(/\r?\n/)) {
    const m = /^web\s*:\s*(.*\S)\s*$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

export class Releases {
  /** Prepares in progress by version, so two calls for one version share the work. */
  private readonly preparing = new Map<string, Promise<void>>();

  constructor(readonly root: string) {}

  /** The folder a version runs from (unpacked by `prepare`). */
  dir(version: string): string {
    return path.join(this.root, checkSegment('version', version));
  }

  async prepare(release: ReleaseSpec): Promise<void> {
    const version = release.version;
    const running = this.preparing.get(version);
    if (running) return running;
    const work = this.unpack(release).finally(() => this.preparing.delete(version));
    this.preparing.set(version, work);
    return work;
  }

  /** `start` when given, else the `web:` line of the release's Procfile. */
  async startCommand(version: string, start: string | null): Promise<string> {
    if (start !== null && start.trim() !== '') return start;
    const marker = await this.marker(version);
    if (!marker) throw new OrchestratorError(`version '${version}' is not prepared`);
    const text = await fsp.readFile(path.join(this.dir(version), 'Procfile'), 'utf8').catch(() => '');
    const web = procfileWeb(text);
    if (web === undefined) {
      throw new OrchestratorError(
        `the artifact '${marker.artifact}' has no Procfile with a web: line and the deploy config has no start command`,
      );
    }
    return web;
  }

  private async marker(version: string): Promise<Marker | undefined> {
    try {
      return JSON.parse(await fsp.readFile(path.join(this.dir(version), MARKER), 'utf8')) as Marker;
    } catch {
      return undefined;
    }
  }

  private async unpack(release: ReleaseSpec): Promise<void> {
    const target = this.dir(release.version);
    const existing = await this.marker(release.version);
    if (existing) return checkSame(existing, release);
    // A folder without a marker was not made by this class (renames carry the marker): replace it.
    await fsp.rm(target, { recursive: true, force: true });
    await fsp.mkdir(this.root, { recursive: true });
    const tmp = await fsp.mkdtemp(path.join(this.root, '.tmp-'));
    try {
      const file = path.join(tmp, 'artifact.tar.gz');
      await download(release, file);
      const unpacked = path.join(tmp, 'release');
      await fsp.mkdir(unpacked);
      try {
        await unpackArchive(file, unpacked);
      } catch (err) {
        throw new OrchestratorError(`could not unpack the artifact '${release.artifact.name}': ${message(err)}`);
      }
      const marker: Marker = {
        version: release.version,
        artifact: release.artifact.name,
        sha256: release.artifact.sha256,
        sizeBytes: release.artifact.sizeBytes,
      };
      await fsp.writeFile(path.join(unpacked, MARKER), JSON.stringify(marker));
      await fsp.rename(unpacked, target).catch(async (err: unknown) => {
        // Another process renamed the same version first: theirs is as good as ours.
        const theirs = await this.marker(release.version);
        if (!theirs) throw err;
        checkSame(theirs, release);
      });
    } finally {
      await fsp.rm(tmp, { recursive: true, force: true });
    }
  }
}

function checkSame(marker: Marker, release: ReleaseSpec): void {
  if (marker.sha256 !== release.artifact.sha256) {
    throw new OrchestratorError(
      `version '${release.version}' is already prepared from another artifact (sha256 ${marker.sha256}, not ${release.artifact.sha256})`,
    );
  }
}

/** Streams the artifact to `file`, then refuses it unless its sha256 and size are the expected ones. */
async function download(release: ReleaseSpec, file: string): Promise<void> {
  const { name, sha256, sizeBytes } = release.artifact;
  const hash = crypto.createHash('sha256');
  let size = 0;
  const measure = new Transform({
    transform(chunk: Buffer, _enc, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  try {
    await pipeline(await release.artifact.open(), measure, fs.createWriteStream(file));
  } catch (err) {
    throw new OrchestratorError(`could not download the artifact '${name}': ${message(err)}`);
  }
  const actual = hash.digest('hex');
  if (actual !== sha256 || size !== sizeBytes) {
    throw new OrchestratorError(
      `the artifact '${name}' does not match its checksum: expected sha256 ${sha256} (${sizeBytes} bytes), got sha256 ${actual} (${size} bytes)`,
    );
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
