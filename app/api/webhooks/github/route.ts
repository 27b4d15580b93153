import { webServices } from '@/server/web';
import { handleGithubWebhook } from '@/server/webhooks/github';

export const dynamic = 'force-dynamic';

export function POST(req: Request) {
  return handleGithubWebhook(webServices(), req);
}
