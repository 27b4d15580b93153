// Object storage on a local folder, for single-machine installs. An object is
// the file at <dir>/<key>; writes land in <dir>/.staging first and are renamed
// into place, so a reader sees the old object or the new one, never a part.
// Links handed out (presignGet/presignPut) point at the web server's
// /api/objects route (object-route.ts), which checks their HMAC signature.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { checkKey, type ObjectStore, type StoredObject } from './object-store';

export interface LocalObjectStoreOptions {
  /** The folder objects live in; created on the first write. */
  dir: string;
  /** The web server's public URL: links are `${baseUrl}/api/objects/<key>?…`. */
  baseUrl: string;
  /** Signs links; whoever holds it can mint a link to any object. */
  signingKey: Buffer | string;
  /** Milliseconds since the epoch; tests pass an earlier clock to mint expired links. */
  now?: () => number;
}

/** What a link lets its holder do. Every field is covered by the signature. */
export interface ObjectLink {
  method: 'GET' | 'PUT';
  key: string;
  /** Unix seconds after which the link is refused. */
  expires: number;
  /** GET only: served as a download under this name. */
  filename?: string;
}

/** `ok`, or why a link is refused. */
export type LinkVerdict = 'ok' | 'invalid' | 'expired';

/** A write went over its size limit; nothing was stored. */
export class ObjectTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`object larger than ${limit} bytes`);
  }
}

/** Hex HMAC-SHA256 over method, key, expiry and (when given) filename, one per line. */
export function signLink(signingKey: Buffer | string, link: ObjectLink): string {
  const fields = [link.method, link.key, String(link.expires)];
  if (link.filename) fields.push(link.filename);
  return crypto.createHmac('sha256', signingKey).update(fields.join('\n')).digest('hex');
}

/** Checks the signature first (in constant time), so a tampered expiry reads as invalid, not expired. */
export function verifyLink(signingKey: Buffer | string, link: ObjectLink, sig: string, nowMs: number): LinkVerdict {
  const expected = Buffer.from(signLink(signingKey, link), 'utf8');
  const given = Buffer.from(sig, 'utf8');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return 'invalid';
  return nowMs > link.expires * 1000 ? 'expired' : 'ok';
}

// Key segments never start at the root with a dot (checkKey), so this folder is never an object.
const STAGING = '.staging';

export class LocalObjectStore implements ObjectStore {
  readonly dir: string;
  private readonly baseUrl: string;
  private readonly signingKey: Buffer | string;
  private readonly now: () => number;

  constructor(opts: LocalObjectStoreOptions) {
    this.dir = path.resolve(opts.dir);
    this.baseUrl = opts.baseUrl.replace(/\/$/, '');
    this.signingKey = opts.signingKey;
    this.now = opts.now ?? Date.now;
  }

  async put(key: string, body: Buffer | string): Promise<void> {
    const file = this.file(key);
    const tmp = await this.stagingFile();
    try {
      await fs.promises.writeFile(tmp, body);
      await this.commit(tmp, file);
    } finally {
      await fs.promises.rm(tmp, { force: true });
    }
  }

  /** Streams `source` into the object without holding it in memory; throws ObjectTooLarge past `maxBytes`. */
  async putStream(key: string, source: Readable, maxBytes: number): Promise<number> {
    const file = this.file(key);
    const tmp = await this.stagingFile();
    let size = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        done(size > maxBytes ? new ObjectTooLarge(maxBytes) : null, chunk);
      },
    });
    try {
      await pipeline(source, limit, fs.createWriteStream(tmp));
      await this.commit(tmp, file);
      return size;
    } finally {
      await fs.promises.rm(tmp, { force: true });
    }
  }

  async get(key: string): Promise<Buffer | null> {
    return fs.promises.readFile(this.file(key)).catch(nullWhenMissing);
  }

  async getStream(key: string): Promise<Readable | null> {
    return (await this.open(key))?.stream ?? null;
  }

  /** The object's size and a stream of its bytes, from one open file (so they agree). */
  async open(key: string): Promise<{ size: number; stream: Readable } | null> {
    const handle = await fs.promises.open(this.file(key), 'r').catch(nullWhenMissing);
    if (!handle) return null;
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      return null;
    }
    return { size: stat.size, stream: handle.createReadStream() };
  }

  async head(key: string): Promise<{ size: number } | null> {
    const stat = await fs.promises.stat(this.file(key)).catch(nullWhenMissing);
    return stat?.isFile() ? { size: stat.size } : null;
  }

  async list(prefix: string): Promise<StoredObject[]> {
    // `logs/abc/1/000` lists the folder logs/abc/1, keeping names that start with 000.
    const cut = prefix.lastIndexOf('/');
    const folder = cut < 0 ? '' : checkKey(prefix.slice(0, cut));
    const out: StoredObject[] = [];
    await this.walk(folder, prefix.slice(cut + 1), out);
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    const file = this.file(key);
    await fs.promises.rm(file, { force: true });
    await this.pruneFolders([path.dirname(file)]);
  }

  async deletePrefix(prefix: string): Promise<number> {
    const objects = await this.list(prefix);
    let removed = 0;
    for (let i = 0; i < objects.length; i += 100) {
      const batch = objects.slice(i, i + 100).map((o) => this.file(o.key));
      const gone = await Promise.all(
        batch.map((f) =>
          fs.promises.unlink(f).then(
            () => 1,
            () => 0,
          ),
        ),
      );
      removed += gone.reduce<number>((a, b) => a + b, 0);
    }
    await this.pruneFolders(objects.map((o) => path.dirname(this.file(o.key))));
    return removed;
  }

  async presignGet(key: string, expiresInSeconds: number, opts: { filename?: string } = {}): Promise<string> {
    return this.presign({ method: 'GET', key, expires: this.expiry(expiresInSeconds), filename: opts.filename });
  }

  async presignPut(key: string, expiresInSeconds: number): Promise<string> {
    return this.presign({ method: 'PUT', key, expires: this.expiry(expiresInSeconds) });
  }

  /** Whether a link presented to the route is one this store signed and still honours. */
  verify(link: ObjectLink, sig: string): LinkVerdict {
    return verifyLink(this.signingKey, link, sig, this.now());
  }

  private presign(link: ObjectLink): string {
    checkKey(link.key);
    const query = new URLSearchParams({ method: link.method, expires: String(link.expires) });
    if (link.filename) query.set('filename', link.filename);
    query.set('sig', signLink(this.signingKey, link));
    return `${this.baseUrl}/api/objects/${link.key}?${query}`;
  }

  private expiry(expiresInSeconds: number): number {
    return Math.floor(this.now() / 1000) + Math.ceil(expiresInSeconds);
  }

  private file(key: string): string {
    return path.join(this.dir, checkKey(key));
  }

  private async stagingFile(): Promise<string> {
    const folder = path.join(this.dir, STAGING);
    await fs.promises.mkdir(folder, { recursive: true });
    return path.join(folder, `${crypto.randomUUID()}.tmp`);
  }

  // A concurrent delete may prune the folder between mkdir and rename: make it again.
  private async commit(tmp: string, file: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await fs.promises.mkdir(path.dirname(file), { recursive: true });
      try {
        return await fs.promises.rename(tmp, file);
      } catch (err) {
        if (attempt >= 3 || (err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
  }

  private async walk(folder: string, namePrefix: string, out: StoredObject[]): Promise<void> {
    const abs = path.join(this.dir, folder);
    const entries = await fs.promises.readdir(abs, { withFileTypes: true }).catch(nullWhenMissing);
    if (!entries) return;
    const keyed = entries
      .filter((e) => e.name.startsWith(namePrefix))
      .map((e) => ({ e, key: folder ? `${folder}/${e.name}` : e.name }))
      .filter(({ key }) => isKey(key));
    await Promise.all(
      keyed.map(async ({ e, key }) => {
        if (e.isDirectory()) return this.walk(key, '', out);
        if (!e.isFile()) return;
        const stat = await fs.promises.stat(path.join(abs, e.name)).catch(nullWhenMissing);
        if (stat) out.push({ key, size: stat.size });
      }),
    );
  }

  // Removes folders left empty, deepest first, up to (not including) the root.
  private async pruneFolders(folders: string[]): Promise<void> {
    const all = new Set<string>();
    for (let f of folders) {
      while (f.startsWith(this.dir + path.sep) && !all.has(f)) {
        all.add(f);
        f = path.dirname(f);
      }
    }
    const deepestFirst = [...all].sort((a, b) => b.length - a.length);
    for (const f of deepestFirst) await fs.promises.rmdir(f).catch(() => undefined);
  }
}

function isKey(key: string): boolean {
  try {
    checkKey(key);
    return true;
  } catch {
    return false;
  }
}

/** Missing (or a folder where a file was expected) reads as null; anything else is a real error. */
function nullWhenMissing(err: NodeJS.ErrnoException): null {
  if (err.code === 'ENOENT' || err.code === 'ENOTDIR' || err.code === 'EISDIR') return null;
  throw err;
}
