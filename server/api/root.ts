// The app router: every procedure the UI, the CLI and runners call.
import { authRouter } from './routers/auth';
import { deploymentsRouter } from './routers/deployments';
import { healthRouter } from './routers/health';
import { insightsRouter } from './routers/insights';
import { jobsRouter } from './routers/jobs';
import { reposRouter } from './routers/repos';
import { queueRouter } from './routers/queue';
import { runnerRouter, runnersRouter } from './routers/runners';
import { runsRouter } from './routers/runs';
import { secretsRouter } from './routers/secrets';
import { testsRouter } from './routers/tests';
import { tokensRouter } from './routers/tokens';
import { usersRouter } from './routers/users';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  health: healthRouter,
  auth: authRouter,
  tokens: tokensRouter,
  users: usersRouter,
  repos: reposRouter,
  runs: runsRouter,
  jobs: jobsRouter,
  secrets: secretsRouter,
  runners: runnersRouter,
  queue: queueRouter,
  deployments: deploymentsRouter,
  insights: insightsRouter,
  tests: testsRouter,
  runner: runnerRouter,
});

export type AppRouter = typeof appRouter;

/** Calls procedures in-process (server components, tests) with a given context. */
export const createCaller = createCallerFactory(appRouter);
