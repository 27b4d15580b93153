// Which object store a process uses: S3 when S3_BUCKET is set, otherwise a
// folder under DATA_DIR served by the web server's /api/objects route.
import crypto from 'node:crypto';
import { publicUrl, serverEnv, storageDir, type ServerEnv } from '../env';
import { LocalObjectStore } from './local-object-store';
import type { ObjectStore } from './object-store';
import { S3ObjectStore } from './s3-object-store';

/** The store `env` describes. Creating it does no I/O (S3ObjectStore.ensureBucket is separate). */
export function createObjectStore(env: ServerEnv): ObjectStore {
  if (env.S3_BUCKET) {
    if (!env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY) {
      throw new Error('S3_BUCKET is set: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY must be set too.');
    }
    return new S3ObjectStore({
      endpoint: env.S3_ENDPOINT,
      region: env.S3_REGION,
      bucket: env.S3_BUCKET,
      accessKeyId: env.S3_ACCESS_KEY_ID,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: env.S3_FORCE_PATH_STYLE,
    });
  }
  if (!env.AUTH_SECRET) throw new Error('AUTH_SECRET is not set (npm start generates one under DATA_DIR).');
  return new LocalObjectStore({
    dir: storageDir(env),
    baseUrl: publicUrl(env),
    signingKey: objectUrlKey(env.AUTH_SECRET),
  });
}

/**
 * The key that signs local object links, derived from AUTH_SECRET so one secret
 * configures the install, and separate from the session and secret-box keys so
 * a link signature can never stand in for either.
 */
export function objectUrlKey(authSecret: string): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', authSecret, 'switchyard', 'switchyard object urls v1', 32));
}

let cached: ObjectStore | undefined;

/** This process's store, created once from its environment. */
export function objectStore(): ObjectStore {
  cached ??= createObjectStore(serverEnv());
  return cached;
}
