// Databases for integration test files, on the server tests/global-setup.ts
// prepared. Each file creates its own (in beforeAll) and drops it (in afterAll),
// so files run in parallel and a test never sees another file's rows.
import crypto from 'node:crypto';
import { inspect } from 'node:util';
import pg from 'pg';
import { inject } from 'vitest';
import { createPrisma, type Db } from '../server/db/client';
import { databaseUrl, withAdmin } from './global-setup';

export interface EmptyDatabase {
  name: string;
  url: string;
  /** A small pool for raw SQL: catalog queries, fixtures the client cannot express. */
  pg: pg.Pool;
  /** Closes the pool and drops the database, even with connections left open. */
  drop(): Promise<void>;
}

export interface TestDatabase extends EmptyDatabase {
  prisma: Db;
}

async function create(template: string | undefined): Promise<EmptyDatabase> {
  const adminUrl = inject('pgAdminUrl');
  const name = `${inject('pgDatabasePrefix')}${crypto.randomBytes(4).toString('hex')}`;
  await withAdmin(adminUrl, (c) =>
    c.query(
      `CREATE DATABASE ${c.escapeIdentifier(name)}${template ? ` TEMPLATE ${c.escapeIdentifier(template)}` : ''}`,
    ),
  );
  const url = databaseUrl(adminUrl, name);
  const pool = new pg.Pool({ connectionString: url, max: 4 });
  let dropped = false;
  return {
    name,
    url,
    pg: pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end();
      await withAdmin(adminUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(name)} WITH (FORCE)`));
    },
  };
}

/** A database cloned from the migrated template: the whole schema, current partitions, no rows. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const db = await create(inject('pgTemplateDatabase'));
  const prisma = createPrisma(db.url, { max: 4 });
  return {
    ...db,
    prisma,
    async drop() {
      await prisma.$disconnect();
      await db.drop();
    },
  };
}

/** A database with nothing in it, not even `_prisma_migrations`: for tests of migrating itself. */
export function createEmptyDatabase(): Promise<EmptyDatabase> {
  return create(undefined);
}

export interface WaitForOptions {
  /** Give up after this long (default 10 s). */
  timeoutMs?: number;
  /** Between polls (default 25 ms). */
  intervalMs?: number;
  /** What is awaited, for the failure message: "run 42 to finish". */
  what: string;
}

/**
 * Polls `fn` until it returns a truthy value, and returns that value. Past the
 * deadline it fails with the last value `fn` returned (or the error it threw),
 * so a test that waits for a state says which state it saw instead.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitForOptions): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 25;
  const deadline = Date.now() + timeoutMs;
  let last: { value: unknown } | { error: unknown } | undefined;
  for (;;) {
    try {
      const value = await fn();
      if (value) return value;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) {
      const seen =
        last === undefined
          ? 'nothing'
          : 'error' in last
            ? `an error: ${inspect(last.error)}`
            : inspect(last.value, { depth: 4 });
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${opts.what}; last saw ${seen}`);
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
