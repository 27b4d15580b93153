// Object storage on S3 or any S3-compatible server (MinIO, R2, Ceph…). Links
// are S3's own presigned URLs, so downloads and uploads never pass through
// the web server.
import { Readable } from 'node:stream';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { checkKey, type ObjectStore, type StoredObject } from './object-store';
import { attachmentDisposition, contentTypeFor } from './object-route';

export interface S3ObjectStoreOptions {
  /** An S3-compatible server's URL; unset: AWS for `region`. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Address objects as endpoint/bucket/key rather than bucket.endpoint/key. */
  forcePathStyle: boolean;
  /** Milliseconds since the epoch, used as the signing time of links; tests pass an earlier clock. */
  now?: () => number;
}

export class S3ObjectStore implements ObjectStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly region: string;
  private readonly now: () => number;

  constructor(opts: S3ObjectStoreOptions) {
    this.bucket = opts.bucket;
    this.region = opts.region;
    this.now = opts.now ?? Date.now;
    this.client = new S3Client({
      endpoint: opts.endpoint,
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      credentials: { accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey },
      // By default the SDK signs a CRC32 into every PutObject, including presigned
      // ones, where it is the checksum of an empty body and S3 rejects the real
      // upload. Checksums stay on where the API requires them (DeleteObjects).
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
  }

  /** Creates the bucket unless it exists; run once at start-up, not per request. */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
      return;
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
    const location =
      this.region === 'us-east-1' ? undefined : { LocationConstraint: this.region as BucketLocationConstraint };
    try {
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket, CreateBucketConfiguration: location }));
    } catch (err) {
      // Another process created it between our HEAD and CREATE.
      if ((err as Error).name !== 'BucketAlreadyOwnedByYou') throw err;
    }
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: checkKey(key), Body: body, ContentType: contentTypeFor(key) }),
    );
  }

  async get(key: string): Promise<Buffer | null> {
    const body = await this.getStream(key);
    if (!body) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  async getStream(key: string): Promise<Readable | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: checkKey(key) }));
      if (out.Body instanceof Readable) return out.Body;
      throw new Error('S3 returned a body that is not a node stream');
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async head(key: string): Promise<{ size: number } | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: checkKey(key) }));
      return { size: out.ContentLength ?? 0 };
    } catch (err) {
      if (isMissing(err)) return null;
      throw err;
    }
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    for await (const page of this.pages(prefix)) out.push(...page);
    // S3 already answers in key order; some compatible stores do not promise it.
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: checkKey(key) }));
  }

  async deletePrefix(prefix: string): Promise<number> {
    let removed = 0;
    // A page holds at most 1000 keys, which is also DeleteObjects' limit per call.
    for await (const page of this.pages(prefix)) {
      if (page.length === 0) continue;
      const out = await this.client.send(
        new DeleteObjectsCommand({
          Bucket: this.bucket,
          Delete: { Objects: page.map((o) => ({ Key: o.key })), Quiet: true },
        }),
      );
      const failed = out.Errors?.[0];
      if (failed) throw new Error(`could not delete ${failed.Key}: ${failed.Code} ${failed.Message}`);
      removed += page.length;
    }
    return removed;
  }

  async presignGet(key: string, expiresInSeconds: number, opts: { filename?: string } = {}): Promise<string> {
    const command = new GetObjectCommand({
      Bucket: this.bucket,
      Key: checkKey(key),
      ResponseContentDisposition: opts.filename ? attachmentDisposition(opts.filename) : undefined,
    });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds, signingDate: new Date(this.now()) });
  }

  async presignPut(key: string, expiresInSeconds: number): Promise<string> {
    const command = new PutObjectCommand({ Bucket: this.bucket, Key: checkKey(key) });
    return getSignedUrl(this.client, command, { expiresIn: expiresInSeconds, signingDate: new Date(this.now()) });
  }

  /** Stops the client's keep-alive sockets. */
  close(): void {
    this.client.destroy();
  }

  private async *pages(prefix: string): AsyncGenerator<StoredObject[]> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      yield (page.Contents ?? []).map((c) => ({ key: c.Key ?? '', size: c.Size ?? 0 }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

/** S3 says "no such object" as NoSuchKey (GET) or a bare 404 NotFound (HEAD). A missing bucket is a real error. */
function isMissing(err: unknown): boolean {
  if (!(err instanceof Error) || err.name === 'NoSuchBucket') return false;
  if (err.name === 'NoSuchKey' || err.name === 'NotFound') return true;
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404;
}
