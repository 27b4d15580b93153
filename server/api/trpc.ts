// tRPC transport: the request context (who is calling), the procedure kinds by
// caller and role, and the one error formatter that maps domain errors.
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { ZodError } from 'zod';
import type { Db } from '../db/client';
import type { Mirrors } from '../git/mirrors';
import type { Enqueue } from '../domain/run/enqueue';
import type { UserRole } from '../db/generated/enums';
import { hasRole } from '../domain/auth/roles';
import type { SecretBox } from '../domain/auth/secret-box';
import { DomainError, type DomainErrorCode } from '../domain/errors';
import type { AuthenticatedRunner } from '../domain/runner/registration';
import type { PublicUser } from '../domain/user/users';
import type { Logger } from '../log';
import type { ClaimedJob } from '../domain/job/claim';
import type { LogStore } from '../storage/log-store';
import type { ObjectStore } from '../storage/object-store';
import type { NotificationHub } from '../live/notification-hub';
import type { AutoQuarantinePolicy } from '../domain/test-report/flakiness';

/** What handlers and use cases work with: one set per process (server/web.ts, the scheduler, tests). */
export interface Services {
  db: Db;
  box: SecretBox;
  log: Logger;
  now: () => Date;
  mirrors: Mirrors;
  /** Sends a queue message inside the caller's transaction. */
  enqueue: Enqueue;
  /** Registers (or removes) a pipeline's cron schedule. */
  syncSchedule: (pipelineId: string, cron: string | null) => Promise<unknown>;
  /** A runner's long-polling claim: a job of its pool, or null after `waitMs`. */
  claim: (runner: AuthenticatedRunner, waitMs: number, signal?: AbortSignal) => Promise<ClaimedJob | null>;
  logs: LogStore;
  /** Logs and artifacts. */
  objects: ObjectStore;
  /** Run, job and log notifications for live subscriptions. */
  live: NotificationHub;
  limits: StorageLimits;
  /** Automatic quarantine of flaky tests (FLAKY_AUTO_QUARANTINE_*); unset: off. */
  flaky?: AutoQuarantinePolicy;
  /** Slots per pool scheduled runs leave free (QUEUE_RESERVED_SLOTS); unset: the default. */
  reservedSlots?: number;
}

export interface StorageLimits {
  /** Bytes of log kept per job attempt. */
  logBytes: number;
  /** Largest artifact accepted. */
  artifactBytes: number;
}

/** Who is calling, and the services. Built per request by server/api/context.ts. */
export interface Context extends Services {
  /** A person: by session cookie or API token. */
  user: PublicUser | null;
  /** A runner: by runner token. */
  runner: AuthenticatedRunner | null;
}

const CODE_MAP: Record<DomainErrorCode, TRPCError['code']> = {
  NOT_FOUND: 'NOT_FOUND',
  FORBIDDEN: 'FORBIDDEN',
  UNAUTHORIZED: 'UNAUTHORIZED',
  CONFLICT: 'CONFLICT',
  INVALID_TRANSITION: 'CONFLICT',
  VALIDATION: 'BAD_REQUEST',
};

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zod = error.cause instanceof ZodError ? error.cause.issues : undefined;
    return {
      ...shape,
      message: zod ? zod.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; ') : shape.message,
      data: { ...shape.data, stack: undefined, issues: zod },
    };
  },
});

/** Maps domain errors to tRPC errors; logs anything unexpected as internal. */
const errors = t.middleware(async ({ ctx, next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof DomainError) {
      throw new TRPCError({ code: CODE_MAP[cause.code], message: cause.message, cause });
    }
    if (result.error.code === 'INTERNAL_SERVER_ERROR') {
      ctx.log.error({ err: cause ?? result.error, path }, 'internal error');
      throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'Internal error; the server log has the details' });
    }
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Anyone, signed in or not. */
export const publicProcedure = t.procedure.use(errors);

/** A signed-in person (session or API token). */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** A person with at least `role`. */
export function roleProcedure(role: UserRole) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (!hasRole(ctx.user.role, role)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `This needs the ${role} role; you are a ${ctx.user.role}` });
    }
    return next();
  });
}

export const developerProcedure = roleProcedure('developer');
export const deployerProcedure = roleProcedure('deployer');
export const adminProcedure = roleProcedure('admin');

/** A registered runner (runner token). */
export const runnerProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.runner) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'A valid runner token is required' });
  return next({ ctx: { ...ctx, runner: ctx.runner } });
});
