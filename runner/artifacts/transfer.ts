// Moving artifact archives through pre-signed URLs: the runner talks to the
// object store directly (the local store's links go to the app, S3's to S3),
// streaming from and to files so an archive is never held in memory.
import crypto from 'node:crypto';
import fs from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

export class ArtifactTransferError extends Error {}

export async function uploadFile(url: string, file: string, sizeBytes: number): Promise<void> {
  const res = await fetch(url, {
    method: 'PUT',
    headers: { 'content-length': String(sizeBytes), 'content-type': 'application/octet-stream' },
    body: Readable.toWeb(fs.createReadStream(file)) as ReadableStream,
    duplex: 'half',
  } as RequestInit);
  if (!res.ok) throw new ArtifactTransferError(`upload answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

/** Downloads to `file`; returns the size and sha256 of what arrived. */
export async function downloadFile(url: string, file: string): Promise<{ sizeBytes: number; sha256: string }> {
  const res = await fetch(url);
  if (!res.ok || !res.body) {
    throw new ArtifactTransferError(`download answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
  }
  const hash = crypto.createHash('sha256');
  let sizeBytes = 0;
  const body = Readable.fromWeb(res.body as WebReadableStream);
  body.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    sizeBytes += chunk.length;
  });
  await pipeline(body, fs.createWriteStream(file));
  return { sizeBytes, sha256: hash.digest('hex') };
}
