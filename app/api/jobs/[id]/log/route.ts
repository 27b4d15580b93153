// `jobs.log_url`: a stable link to a job's whole log. Whoever may read the job
// (session or API token) is sent on to a fresh pre-signed URL of the log.
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { createContext } from '@/server/api/context';
import { appRouter } from '@/server/api/root';
import { currentUser } from '@/server/auth/auth';
import { webServices } from '@/server/web';

export const dynamic = 'force-dynamic';

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const attemptParam = new URL(req.url).searchParams.get('attempt');
  const ctx = await createContext(webServices(), req.headers.get('authorization'), currentUser);
  try {
    const { url } = await appRouter
      .createCaller(ctx)
      .jobs.logUrl({ id, attempt: attemptParam ? Number(attemptParam) : undefined });
    return Response.redirect(url, 302);
  } catch (err) {
    if (err instanceof TRPCError) return new Response(`${err.message}\n`, { status: getHTTPStatusCodeFromError(err) });
    throw err;
  }
}
