// The runner's only way to the server: the tRPC client typed by the app router.
import { createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from '../server/contracts/app-router';

export type ServerApi = TRPCClient<AppRouter>;

export function createServerApi(url: string, token: () => string | undefined): ServerApi {
  return createTRPCClient<AppRouter>({
    links: [
      // Not batched: a long-polling claim must never hold up a heartbeat.
      httpLink({
        url: `${url.replace(/\/$/, '')}/api/trpc`,
        transformer: superjson,
        headers: () => {
          const t = token();
          return t ? { authorization: `Bearer ${t}` } : {};
        },
      }),
    ],
  });
}
