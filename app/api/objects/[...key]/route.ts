// Presigned links of the local object store (server/storage/object-route.ts).
// With S3 configured, links point at S3 itself and this route has nothing to serve.
import { LocalObjectStore } from '@/server/storage/local-object-store';
import { handleObjectRequest } from '@/server/storage/object-route';
import { objectStore } from '@/server/storage/store-from-env';

// Streams files from disk: needs node, and nothing here may be cached.
export const runtime = 'nodejs';
export const dynamic = 'force-dynamic';

function handle(req: Request): Promise<Response> | Response {
  const store = objectStore();
  if (!(store instanceof LocalObjectStore)) return new Response('not found', { status: 404 });
  return handleObjectRequest(store, req);
}

export const GET = handle;
export const PUT = handle;
