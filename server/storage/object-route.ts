// The HTTP side of the local object store: /api/objects/<key>?method=&expires=&sig=
// serves presigned links (local-object-store.ts). Written against the web
// Request/Response so the Next.js route and a plain node server (tests) share it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import { checkKey } from './object-store';
import { ObjectTooLarge, type LocalObjectStore, type ObjectLink } from './local-object-store';

/** The largest upload a PUT link accepts (S3's single-PUT limit). */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

const ROUTE = '/api/objects/';

/** Logs read as text in the browser; everything else downloads as bytes. */
export function contentTypeFor(key: string): string {
  return key.endsWith('.log') ? 'text/plain; charset=utf-8' : 'application/octet-stream';
}

/** `attachment` under `filename`, with an ASCII fallback for old clients (RFC 6266). */
export function attachmentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const utf8 = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${utf8}`;
}

export async function handleObjectRequest(store: LocalObjectStore, req: Request): Promise<Response> {
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  if (method !== 'GET' && method !== 'PUT') return text(405, 'method not allowed', { allow: 'GET, HEAD, PUT' });
  const url = new URL(req.url);
  const key = keyFromPath(url.pathname);
  if (!key) return text(400, 'invalid object key');
  const link = linkFromQuery(key, url.searchParams);
  const verdict = link ? store.verify(link, url.searchParams.get('sig') ?? '') : 'invalid';
  if (!link || verdict === 'invalid') return text(403, 'invalid signature');
  if (verdict === 'expired') return text(403, 'this link has expired');
  if (link.method !== method) {
    return text(405, `this link is for ${link.method} requests`, {
      allow: link.method === 'GET' ? 'GET, HEAD' : 'PUT',
    });
  }
  return method === 'GET' ? download(store, link, req.method === 'HEAD') : upload(store, key, req);
}

/** Adapts a node request to handleObjectRequest, for servers that are not Next.js. */
export async function serveObjectRequest(
  store: LocalObjectStore,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const response = await handleObjectRequest(store, toWebRequest(req));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) await pipeline(Readable.fromWeb(response.body as NodeReadableStream), res);
    else res.end();
  } catch (err) {
    if (res.headersSent) return void res.destroy(err as Error);
    res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end('internal error');
  }
}

async function download(store: LocalObjectStore, link: ObjectLink, headOnly: boolean): Promise<Response> {
  const object = await store.open(link.key);
  if (!object) return text(404, 'no such object');
  const headers: Record<string, string> = {
    'content-type': contentTypeFor(link.key),
    'content-length': String(object.size),
    // The bytes are whatever a job uploaded: never let a browser sniff them into HTML on our origin.
    'x-content-type-options': 'nosniff',
    'cache-control': 'private, no-store',
  };
  if (link.filename) headers['content-disposition'] = attachmentDisposition(link.filename);
  if (headOnly) {
    object.stream.destroy();
    return new Response(null, { status: 200, headers });
  }
  return new Response(Readable.toWeb(object.stream) as ReadableStream<Uint8Array>, { status: 200, headers });
}

async function upload(store: LocalObjectStore, key: string, req: Request): Promise<Response> {
  if (Number(req.headers.get('content-length') ?? 0) > MAX_PUT_BYTES) return text(413, 'object too large');
  try {
    if (!req.body) await store.put(key, Buffer.alloc(0));
    else await store.putStream(key, Readable.fromWeb(req.body as NodeReadableStream), MAX_PUT_BYTES);
  } catch (err) {
    if (err instanceof ObjectTooLarge) return text(413, 'object too large');
    throw err;
  }
  return text(200, 'stored');
}

function keyFromPath(pathname: string): string | null {
  const at = pathname.indexOf(ROUTE);
  if (at < 0) return null;
  try {
    return checkKey(decodeURIComponent(pathname.slice(at + ROUTE.length)));
  } catch {
    return null;
  }
}

function linkFromQuery(key: string, query: URLSearchParams): ObjectLink | null {
  const method = query.get('method');
  const expires = query.get('expires') ?? '';
  if ((method !== 'GET' && method !== 'PUT') || !/^\d{1,12}$/.test(expires)) return null;
  return { method, key, expires: Number(expires), filename: query.get('filename') || undefined };
}

function toWebRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, v);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  // `duplex: 'half'` is how fetch's Request takes a streamed body; lib.dom does not know it yet.
  const init: RequestInit & { duplex?: 'half' } = { method: req.method, headers };
  if (hasBody) Object.assign(init, { body: Readable.toWeb(req), duplex: 'half' });
  return new Request(new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`), init);
}

function text(status: number, body: string, headers: Record<string, string> = {}): Response {
  return new Response(body, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}
