// The integration suite's PostgreSQL, set up once per run: the server at
// DATABASE_URL when it is set, otherwise a throwaway embedded cluster. One
// template database is migrated here; each test file clones its own database
// from it (tests/db.ts), which takes milliseconds instead of a migration.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type RunningPostgres } from '../server/db/embedded-postgres';
import { ensurePartitions, migrate } from '../server/db/migrate';
import { installQueue } from '../server/queue/boss';
import { migrationsDir } from '../server/db/paths';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Connection string to the server's `postgres` maintenance database. */
    pgAdminUrl: string;
    /** The migrated database every test database is cloned from. */
    pgTemplateDatabase: string;
    /** Prefix of this run's test databases, so teardown can sweep what a crashed file left. */
    pgDatabasePrefix: string;
  }
}

/** `url` pointing at another database on the same server. */
export function databaseUrl(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** Runs `fn` on a fresh connection to `url`, closed afterwards. */
export async function withAdmin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

interface Server {
  adminUrl: string;
  stop(): Promise<void>;
}

async function startServer(): Promise<Server> {
  // The test harness's one environment read; the app reads its own in server/env.ts.
  const external = process.env.DATABASE_URL?.trim();
  if (external) return { adminUrl: databaseUrl(external, 'postgres'), stop: async () => {} };

  // As root the server runs as `postgres`, which must traverse the temp folder.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-test-pg-'));
  fs.chmodSync(dir, 0o755);
  let cluster: RunningPostgres;
  try {
    cluster = await startEmbeddedPostgres({ dataDir: path.join(dir, 'data'), database: 'postgres', ephemeral: true });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    adminUrl: cluster.adminUrl,
    async stop() {
      await cluster.stop();
      fs.rmSync(dir, { recursive: true, force: true });
      // A cluster that could not live under `dir` went to /var/lib/switchyard (see embedded-postgres.ts).
      if (path.resolve(cluster.dataDir) !== path.join(dir, 'data'))
        fs.rmSync(cluster.dataDir, { recursive: true, force: true });
    },
  };
}

async function dropDatabases(adminUrl: string, names: string[]): Promise<void> {
  await withAdmin(adminUrl, async (client) => {
    for (const name of names)
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  });
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startServer();
  const run = crypto.randomBytes(4).toString('hex');
  const template = `switchyard_template_${run}`;
  const prefix = `switchyard_test_${run}_`;
  try {
    await withAdmin(server.adminUrl, (c) => c.query(`CREATE DATABASE ${c.escapeIdentifier(template)}`));
    const url = databaseUrl(server.adminUrl, template);
    await migrate(url, migrationsDir);
    await ensurePartitions(url, 2);
    await installQueue(url);
  } catch (err) {
    await dropDatabases(server.adminUrl, [template]).catch(() => undefined);
    await server.stop();
    throw err;
  }
  project.provide('pgAdminUrl', server.adminUrl);
  project.provide('pgTemplateDatabase', template);
  project.provide('pgDatabasePrefix', prefix);

  return async () => {
    try {
      const leftovers = await withAdmin(server.adminUrl, async (c) => {
        const { rows } = await c.query<{ datname: string }>(
          'SELECT datname FROM pg_database WHERE starts_with(datname, $1)',
          [prefix],
        );
        return rows.map((r) => r.datname);
      });
      await dropDatabases(server.adminUrl, [...leftovers, template]);
    } finally {
      await server.stop();
    }
  };
}
