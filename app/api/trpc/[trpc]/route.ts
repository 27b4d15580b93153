import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createContext } from '@/server/api/context';
import { appRouter } from '@/server/api/root';
import { currentUser } from '@/server/auth/auth';
import { webServices } from '@/server/web';

export const dynamic = 'force-dynamic';

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: '/api/trpc',
    req,
    router: appRouter,
    createContext: () => createContext(webServices(), req.headers.get('authorization'), currentUser),
  });
}

export { handler as GET, handler as POST };
