// Object storage: one interface, two implementations (a local folder served by
// the app through HMAC-signed URLs, and any S3-compatible store). Logs and
// artifacts live here, never in the database.
import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  size: number;
}

export interface ObjectStore {
  /** Writes the whole object (replacing one with the same key). */
  put(key: string, body: Buffer | string): Promise<void>;
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Buffer | null>;
  /** The object as a stream, or null when there is none. */
  getStream(key: string): Promise<Readable | null>;
  /** Size of the object, or null when there is none. */
  head(key: string): Promise<{ size: number } | null>;
  /** Objects whose keys start with `prefix`, sorted by key. */
  list(prefix: string): Promise<StoredObject[]>;
  /** Removes the object; removing a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** Removes every object under `prefix`; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
  /** A URL anyone holding it may GET until it expires. */
  presignGet(key: string, expiresInSeconds: number, opts?: { filename?: string }): Promise<string>;
  /** A URL anyone holding it may PUT the object's bytes to until it expires. */
  presignPut(key: string, expiresInSeconds: number): Promise<string>;
}

const KEY = /^[A-Za-z0-9][A-Za-z0-9._\-/]*$/;

/** Keys are relative paths of plain segments: no `..`, no `.`, no empty segment, no leading slash. */
export function checkKey(key: string): string {
  if (key.length > 1024 || !KEY.test(key) || key.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`invalid object key: ${JSON.stringify(key)}`);
  }
  return key;
}
