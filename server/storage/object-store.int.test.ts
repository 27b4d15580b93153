// One contract, two stores: the same suite runs against the local folder
// (presigned links served by a real node http server through object-route.ts)
// and against S3 (a real s3rver on a free port). Neither is mocked.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalObjectStore, ObjectTooLarge } from './local-object-store';
import { serveObjectRequest } from './object-route';
import type { ObjectStore } from './object-store';
import { S3ObjectStore } from './s3-object-store';

interface Harness {
  store: ObjectStore;
  /** The same backend with a clock an hour behind, to mint links that have already expired. */
  late: ObjectStore;
  close(): Promise<void>;
}

const HOUR = 3_600_000;

async function tempDir(name: string): Promise<string> {
  return fs.promises.mkdtemp(path.join(os.tmpdir(), `switchyard-${name}-`));
}

async function bytes(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

/** Writes many objects, a few at a time. */
async function putMany(store: ObjectStore, keys: string[]): Promise<void> {
  for (let i = 0; i < keys.length; i += 50) {
    await Promise.all(keys.slice(i, i + 50).map((k) => store.put(k, k)));
  }
}

function describeObjectStore(name: string, makeStore: () => Promise<Harness>) {
  describe(name, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await makeStore();
    });
    afterAll(() => h?.close());

    it('puts, gets, heads and overwrites', async () => {
      await h.store.put('basic/a.txt', 'hello');
      expect((await h.store.get('basic/a.txt'))?.toString()).toBe('hello');
      expect(await h.store.head('basic/a.txt')).toEqual({ size: 5 });
      await h.store.put('basic/a.txt', Buffer.from('bye'));
      expect((await h.store.get('basic/a.txt'))?.toString()).toBe('bye');
      const chunks: Buffer[] = [];
      for await (const c of (await h.store.getStream('basic/a.txt'))!) chunks.push(c as Buffer);
      expect(Buffer.concat(chunks).toString()).toBe('bye');
    });

    it('answers null for a missing object and deletes quietly', async () => {
      expect(await h.store.get('missing/x')).toBeNull();
      expect(await h.store.getStream('missing/x')).toBeNull();
      expect(await h.store.head('missing/x')).toBeNull();
      await h.store.delete('missing/x');
      await h.store.put('missing/y', 'y');
      await h.store.delete('missing/y');
      expect(await h.store.get('missing/y')).toBeNull();
      expect(await h.store.list('missing/')).toEqual([]);
    });

    it('lists by prefix in key order, including a prefix that ends mid-segment', async () => {
      const keys = ['order/b', 'order/a-c', 'order/a/b', 'order/a/a/1', 'order/ab', 'order/a.z'];
      const logs = ['order/logs/1/00000002', 'order/logs/1/00000001', 'order/logs/10/00000001', 'order/logs/1/x'];
      await putMany(h.store, [...keys, ...logs]);
      const all = await h.store.list('order/');
      expect(all.map((o) => o.key)).toEqual([...keys, ...logs].sort());
      expect(all.find((o) => o.key === 'order/a/a/1')).toEqual({ key: 'order/a/a/1', size: 'order/a/a/1'.length });
      expect((await h.store.list('order/logs/1/000')).map((o) => o.key)).toEqual([
        'order/logs/1/00000001',
        'order/logs/1/00000002',
      ]);
      expect((await h.store.list('order/logs/1')).map((o) => o.key)).toEqual([
        'order/logs/1/00000001',
        'order/logs/1/00000002',
        'order/logs/1/x',
        'order/logs/10/00000001',
      ]);
      expect((await h.store.list('order/a/')).map((o) => o.key)).toEqual(['order/a/a/1', 'order/a/b']);
      expect(await h.store.list('order/nothing')).toEqual([]);
    });

    it('deletes a prefix of more than 1000 objects and nothing beside it', async () => {
      const keys = Array.from({ length: 1005 }, (_, i) => `bulk/run/${String(i).padStart(5, '0')}`);
      await putMany(h.store, [...keys, 'bulk/runner', 'bulk-kept/1']);
      expect(await h.store.list('bulk/run/')).toHaveLength(1005);
      expect(await h.store.deletePrefix('bulk/run/')).toBe(1005);
      expect(await h.store.list('bulk/run/')).toEqual([]);
      expect((await h.store.list('bulk')).map((o) => o.key)).toEqual(['bulk-kept/1', 'bulk/runner']);
      expect(await h.store.deletePrefix('bulk/run/')).toBe(0);
    });

    it('keeps binary bytes exact', async () => {
      const data = crypto.randomBytes(1024 * 1024);
      await h.store.put('binary/blob', data);
      expect((await h.store.get('binary/blob'))?.equals(data)).toBe(true);
      expect(await h.store.head('binary/blob')).toEqual({ size: data.length });
    });

    it('serves the same bytes through a presigned GET, named when asked', async () => {
      const data = crypto.randomBytes(1024 * 1024);
      await h.store.put('links/get.bin', data);
      const plain = await fetch(await h.store.presignGet('links/get.bin', 60));
      expect(plain.status).toBe(200);
      expect((await bytes(plain)).equals(data)).toBe(true);
      const named = await fetch(await h.store.presignGet('links/get.bin', 60, { filename: 'build output.bin' }));
      expect(named.headers.get('content-disposition')).toContain('filename="build output.bin"');
      expect((await bytes(named)).equals(data)).toBe(true);
    });

    it('stores what a presigned PUT uploads', async () => {
      const data = crypto.randomBytes(1024 * 1024);
      const url = await h.store.presignPut('links/put.bin', 60);
      // A checksum signed into the URL would be that of an empty body and fail real S3.
      expect(url).not.toMatch(/x-amz-checksum|x-amz-sdk-checksum/i);
      const res = await fetch(url, { method: 'PUT', body: data });
      expect(res.status).toBe(200);
      expect((await h.store.get('links/put.bin'))?.equals(data)).toBe(true);
    });

    it('refuses a link that has expired', async () => {
      // s3rver checks X-Amz-Date + X-Amz-Expires of presigned URLs (not their signature), so both stores can assert it.
      await h.store.put('links/old.txt', 'old');
      const get = await fetch(await h.late.presignGet('links/old.txt', 60));
      expect(get.status).toBe(403);
      const put = await fetch(await h.late.presignPut('links/old.txt', 60), { method: 'PUT', body: 'new' });
      expect(put.status).toBe(403);
      expect((await h.store.get('links/old.txt'))?.toString()).toBe('old');
    });

    it('refuses keys that are not plain relative paths', async () => {
      for (const key of ['../x', '/abs', 'a//b']) {
        await expect(h.store.put(key, 'x')).rejects.toThrow(/invalid object key/);
        await expect(h.store.get(key)).rejects.toThrow(/invalid object key/);
        await expect(h.store.head(key)).rejects.toThrow(/invalid object key/);
        await expect(h.store.delete(key)).rejects.toThrow(/invalid object key/);
        await expect(h.store.presignGet(key, 60)).rejects.toThrow(/invalid object key/);
        await expect(h.store.presignPut(key, 60)).rejects.toThrow(/invalid object key/);
      }
    });
  });
}

async function localHarness(): Promise<Harness & { local: LocalObjectStore; baseUrl: string }> {
  const dir = await tempDir('objects');
  const signingKey = crypto.randomBytes(32);
  // The handler runs only after `local` exists: no request arrives before the URL is known.
  const server = http.createServer((req, res) => void serveObjectRequest(local, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const local = new LocalObjectStore({ dir, baseUrl, signingKey });
  const late = new LocalObjectStore({ dir, baseUrl, signingKey, now: () => Date.now() - HOUR });
  return {
    store: local,
    local,
    late,
    baseUrl,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await fs.promises.rm(dir, { recursive: true, force: true });
    },
  };
}

// s3rver pages listings with DES-encrypted continuation tokens, which
// OpenSSL 3 only offers from its legacy provider: it runs in a child node
// with that provider, so listing past 1000 keys is exercised for real. It
// exits when its stdin closes, so it cannot outlive the test process.
const S3RVER_CHILD = `
const [S3rver, directory] = [require(process.argv[1]), process.argv[2]];
const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory });
server.run().then(({ port }) => console.log(JSON.stringify({ port })));
process.stdin.on('end', () => server.close().finally(() => process.exit(0))).resume();
`;

async function startS3rver(directory: string): Promise<{ port: number; stop(): Promise<void> }> {
  const main = createRequire(import.meta.url).resolve('s3rver');
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '-e', S3RVER_CHILD, main, directory], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const [line] = await Promise.race([
    once(readline.createInterface({ input: child.stdout! }), 'line') as Promise<string[]>,
    exited.then(() => Promise.reject(new Error('s3rver exited before listening'))),
  ]);
  const { port } = JSON.parse(line!) as { port: number };
  return {
    port,
    async stop() {
      child.stdin!.end();
      await exited;
    },
  };
}

async function s3Harness(): Promise<Harness> {
  const directory = await tempDir('s3rver');
  const server = await startS3rver(directory);
  // s3rver knows one access key, S3RVER, and does not check V4 signatures.
  const options = {
    endpoint: `http://127.0.0.1:${server.port}`,
    region: 'us-east-1',
    bucket: 'switchyard-test',
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    forcePathStyle: true,
  };
  const store = new S3ObjectStore(options);
  await store.ensureBucket();
  await store.ensureBucket();
  const late = new S3ObjectStore({ ...options, now: () => Date.now() - HOUR });
  return {
    store,
    late,
    async close() {
      store.close();
      late.close();
      await server.stop();
      await fs.promises.rm(directory, { recursive: true, force: true });
    },
  };
}

describeObjectStore('LocalObjectStore', localHarness);
describeObjectStore('S3ObjectStore', s3Harness);

describe('the local object route', () => {
  let h: Awaited<ReturnType<typeof localHarness>>;
  beforeAll(async () => {
    h = await localHarness();
    await h.local.put('route/build.log', 'line 1\n');
  });
  afterAll(() => h?.close());

  it('refuses a tampered signature, key or expiry as invalid', async () => {
    const url = new URL(await h.local.presignGet('route/build.log', 60));
    const sig = url.searchParams.get('sig')!;
    const tampered = [
      new URL(url),
      new URL(url.href.replace('route/build.log', 'route/other.log')),
      new URL(url),
      new URL(url),
    ];
    tampered[0]!.searchParams.set(
      'sig',
      sig.replace(/^./, (c) => (c === '0' ? '1' : '0')),
    );
    tampered[2]!.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    tampered[3]!.searchParams.set('filename', 'x.html');
    for (const u of tampered) {
      const res = await fetch(u);
      expect([res.status, await res.text()]).toEqual([403, 'invalid signature']);
    }
    const unsigned = await fetch(`${h.baseUrl}/api/objects/route/build.log`);
    expect(unsigned.status).toBe(403);
  });

  it('says so when a link has expired', async () => {
    const res = await fetch(await h.late.presignGet('route/build.log', 60));
    expect([res.status, await res.text()]).toEqual([403, 'this link has expired']);
  });

  it('serves logs as text with their length, and HEAD without a body', async () => {
    const url = await h.local.presignGet('route/build.log', 60);
    const res = await fetch(url);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.headers.get('content-length')).toBe('7');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('line 1\n');
    const head = await fetch(url, { method: 'HEAD' });
    expect([head.status, head.headers.get('content-length')]).toEqual([200, '7']);
  });

  it('answers 404 for a missing object and 405 for the wrong method', async () => {
    expect((await fetch(await h.local.presignGet('route/missing', 60))).status).toBe(404);
    const getLink = await h.local.presignGet('route/build.log', 60);
    expect((await fetch(getLink, { method: 'PUT', body: 'x' })).status).toBe(405);
    expect((await fetch(getLink, { method: 'DELETE' })).status).toBe(405);
    const putLink = await h.local.presignPut('route/new.bin', 60);
    expect((await fetch(putLink)).status).toBe(405);
    expect(await h.local.get('route/new.bin')).toBeNull();
  });

  it('stops a streamed write at its limit and stores nothing', async () => {
    const source = Readable.from([Buffer.alloc(6), Buffer.alloc(6)]);
    await expect(h.local.putStream('route/too-big', source, 10)).rejects.toBeInstanceOf(ObjectTooLarge);
    expect(await h.local.head('route/too-big')).toBeNull();
  });

  it('leaves no staging files behind and lists none', async () => {
    await fetch(await h.local.presignPut('route/staged.bin', 60), { method: 'PUT', body: 'abc' });
    expect(await fs.promises.readdir(path.join(h.local.dir, '.staging'))).toEqual([]);
    expect((await h.local.list('')).map((o) => o.key)).toEqual(['route/build.log', 'route/staged.bin']);
  });
});
