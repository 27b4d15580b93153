import { checkHealth } from '@/server/ops/health';
import { webServices } from '@/server/web';

export const dynamic = 'force-dynamic';

/** 200 when the database and the queue answer, 503 otherwise; the body says which. */
export async function GET() {
  const report = await checkHealth(webServices().db);
  return Response.json(report, { status: report.ok ? 200 : 503, headers: { 'cache-control': 'no-store' } });
}
