// A deployable artifact for tests: the tiny HTTP app of tests/fixtures/deploy-app
// (it answers `GET /` with `version=<version>`), packed as a real tar.gz the
// way a run's artifact is. Its behaviour is baked into the archive's app.json,
// since an instance gets no environment from the test:
//
//   const v2 = await buildDeployApp({ label: 'v2', failEvery: 10 });
//   await orchestrator.prepare('production', v2.release('v2'));
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { packArchive } from '../runner/artifacts/archive';
import type { ReleaseSpec } from '../server/deploy/orchestrator';

const FIXTURE = fileURLToPath(new URL('./fixtures/deploy-app/', import.meta.url));
const FILES = ['Procfile', 'package.json', 'server.js'];

export interface DeployAppOptions {
  /** Shown in its answers when it runs without SWITCHYARD_VERSION. */
  label: string;
  /** Every Nth request an instance gets (counting the readiness check) answers 500. */
  failEvery?: number;
  /** Waits this long before each answer. */
  delayMs?: number;
  /** Prints a line, then exits with code 3 at start. */
  crash?: boolean;
}

export interface DeployApp {
  /** The tar.gz. */
  file: string;
  sha256: string;
  sizeBytes: number;
  /** The artifact as the release `version` (start: null, so the archive's Procfile starts it). */
  release(version: string): ReleaseSpec;
  /** Deletes the archive and its folder. */
  remove(): void;
}

export async function buildDeployApp(opts: DeployAppOptions): Promise<DeployApp> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-deploy-app-'));
  const app = path.join(dir, 'app');
  fs.mkdirSync(app);
  for (const name of FILES) fs.copyFileSync(path.join(FIXTURE, name), path.join(app, name));
  const config = { label: opts.label, failEvery: opts.failEvery ?? 0, delayMs: opts.delayMs ?? 0, crash: !!opts.crash };
  fs.writeFileSync(path.join(app, 'app.json'), JSON.stringify(config));
  const packed = await packArchive(app, [...FILES, 'app.json'], path.join(dir, 'deploy-app.tar.gz'));
  return {
    ...packed,
    release: (version) => ({
      version,
      commitSha: '0'.repeat(40),
      artifact: {
        name: 'web',
        sha256: packed.sha256,
        sizeBytes: packed.sizeBytes,
        open: async () => fs.createReadStream(packed.file),
      },
      start: null,
    }),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
