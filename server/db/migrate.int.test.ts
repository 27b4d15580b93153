// The migration applier against a real PostgreSQL, from an empty database each
// time (never the template: the point is to migrate). Folders with changed or
// broken migrations are temp copies of prisma/migrations.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, type EmptyDatabase } from '../../tests/db';
import { migrate, MigrationError, readMigrations } from './migrate';
import { migrationsDir } from './paths';

const databases: EmptyDatabase[] = [];
const tempDirs: string[] = [];

afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function emptyDatabase(): Promise<EmptyDatabase> {
  const db = await createEmptyDatabase();
  databases.push(db);
  return db;
}

/** A copy of the real migrations folder, plus `extra` migrations (name → SQL). */
function migrationsCopy(extra: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchyard-migrations-'));
  tempDirs.push(dir);
  fs.cpSync(migrationsDir, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) writeMigration(dir, name, sql);
  return dir;
}

function writeMigration(dir: string, name: string, sql: string): void {
  fs.mkdirSync(path.join(dir, name), { recursive: true });
  fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
}

/** The migration folders on disk with the sha256 of their files, computed here rather than by the code under test. */
function onDisk(): { name: string; checksum: string }[] {
  return fs
    .readdirSync(migrationsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && fs.existsSync(path.join(migrationsDir, e.name, 'migration.sql')))
    .map((e) => e.name)
    .sort()
    .map((name) => ({
      name,
      checksum: crypto
        .createHash('sha256')
        .update(fs.readFileSync(path.join(migrationsDir, name, 'migration.sql')))
        .digest('hex'),
    }));
}

interface MigrationRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
  applied_steps_count: number;
}

async function migrationRows(pool: pg.Pool): Promise<MigrationRow[]> {
  const { rows } = await pool.query<MigrationRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at, logs, applied_steps_count
       FROM "_prisma_migrations" ORDER BY migration_name, started_at, finished_at NULLS FIRST`,
  );
  return rows;
}

async function tables(pool: pg.Pool): Promise<string[]> {
  const { rows } = await pool.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
  );
  return rows.map((r) => r.relname);
}

async function tableExists(pool: pg.Pool, name: string): Promise<boolean> {
  const { rows } = await pool.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [
    `public."${name}"`,
  ]);
  return rows[0]!.found;
}

describe('migrate() on an empty database', () => {
  const migrations = onDisk();
  const names = migrations.map((m) => m.name);

  it('finds the migrations the way Prisma orders them', () => {
    expect(names.length).toBeGreaterThan(0);
    expect(readMigrations(migrationsDir).map((m) => m.name)).toEqual(names);
  });

  it("applies every migration and records it in Prisma's bookkeeping", async () => {
    const db = await emptyDatabase();
    const result = await migrate(db.url, migrationsDir);
    expect(result).toEqual({ applied: names, alreadyApplied: 0 });

    const rows = await migrationRows(db.pg);
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count, r.rolled_back_at, r.logs])).toEqual(
      migrations.map((m) => [m.name, m.checksum, 1, null, null]),
    );
    for (const row of rows) expect(row.finished_at, row.migration_name).toBeInstanceOf(Date);

    const again = await migrate(db.url, migrationsDir);
    expect(again).toEqual({ applied: [], alreadyApplied: names.length });
    expect(await migrationRows(db.pg)).toEqual(rows);
  });

  it("creates _prisma_migrations with exactly the columns Prisma's engine creates", async () => {
    const db = await emptyDatabase();
    await migrate(db.url, migrationsDir);
    const { rows } = await db.pg.query(
      `SELECT column_name, data_type, character_maximum_length AS length, datetime_precision AS precision,
              is_nullable, column_default
         FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = '_prisma_migrations'
        ORDER BY ordinal_position`,
    );
    const col = (name: string, type: string, length: number | null, nullable: boolean, dflt: string | null = null) => ({
      column_name: name,
      data_type: type,
      length,
      precision: type === 'timestamp with time zone' ? 6 : null,
      is_nullable: nullable ? 'YES' : 'NO',
      column_default: dflt,
    });
    expect(rows).toEqual([
      col('id', 'character varying', 36, false),
      col('checksum', 'character varying', 64, false),
      col('finished_at', 'timestamp with time zone', null, true),
      col('migration_name', 'character varying', 255, false),
      col('logs', 'text', null, true),
      col('rolled_back_at', 'timestamp with time zone', null, true),
      col('started_at', 'timestamp with time zone', null, false, 'now()'),
      col('applied_steps_count', 'integer', null, false, '0'),
    ]);
    const pk = await db.pg.query<{ def: string }>(
      `SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '"_prisma_migrations"'::regclass AND contype = 'p'`,
    );
    expect(pk.rows.map((r) => r.def)).toEqual(['PRIMARY KEY (id)']);
  });

  it('applies each migration exactly once when two processes migrate at the same time', async () => {
    const db = await emptyDatabase();
    const results = await Promise.all([migrate(db.url, migrationsDir), migrate(db.url, migrationsDir)]);
    expect(results.flatMap((r) => r.applied).sort()).toEqual(names);
    const rows = await migrationRows(db.pg);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    expect(rows.every((r) => r.finished_at !== null && r.rolled_back_at === null)).toBe(true);
  });

  it('refuses a folder whose applied migration changed, and changes nothing', async () => {
    const db = await emptyDatabase();
    await migrate(db.url, migrationsDir);
    const before = { rows: await migrationRows(db.pg), tables: await tables(db.pg) };

    const edited = names[0]!;
    const dir = migrationsCopy({
      '29991231000000_probe': 'CREATE TABLE "migration_probe" ("id" INTEGER PRIMARY KEY);\n',
    });
    fs.appendFileSync(path.join(dir, edited, 'migration.sql'), '\n-- edited after it was applied\n');

    const err = await migrate(db.url, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toContain(edited);
    // Not even the new, valid migration ran.
    expect({ rows: await migrationRows(db.pg), tables: await tables(db.pg) }).toEqual(before);
    expect(await tableExists(db.pg, 'migration_probe')).toBe(false);
  });

  it('rolls a broken migration back completely, records it, and applies the fixed version', async () => {
    const db = await emptyDatabase();
    await migrate(db.url, migrationsDir);
    const broken = '29991231000000_probe';
    const dir = migrationsCopy({
      [broken]: 'CREATE TABLE "migration_probe" ("id" INTEGER PRIMARY KEY);\nINSERT INTO "no_such_table" VALUES (1);\n',
    });

    const err = await migrate(db.url, dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationError);
    expect((err as Error).message).toContain(broken);
    expect(await tableExists(db.pg, 'migration_probe')).toBe(false);
    const failed = (await migrationRows(db.pg)).filter((r) => r.migration_name === broken);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ finished_at: null, applied_steps_count: 0 });
    expect(failed[0]!.rolled_back_at).toBeInstanceOf(Date);
    expect(failed[0]!.logs).toContain('no_such_table');

    writeMigration(dir, broken, 'CREATE TABLE "migration_probe" ("id" INTEGER PRIMARY KEY);\n');
    expect(await migrate(db.url, dir)).toEqual({ applied: [broken], alreadyApplied: names.length });
    expect(await tableExists(db.pg, 'migration_probe')).toBe(true);
    const rows = (await migrationRows(db.pg)).filter((r) => r.migration_name === broken);
    expect(rows.map((r) => [r.rolled_back_at === null, r.finished_at === null])).toEqual([
      [false, true], // the failed try, rolled back
      [true, false], // the fixed one, applied
    ]);
  });
});

describe('the migrated schema', () => {
  let pool: pg.Pool;

  beforeAll(async () => {
    const db = await emptyDatabase();
    await migrate(db.url, migrationsDir);
    pool = db.pg;
  });

  /** `YYYY_MM` of the UTC month `offset` months from now. */
  function utcMonth(offset: number): string {
    const now = new Date();
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
    return `${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  }

  async function partitions(parent: string): Promise<Map<string, string>> {
    const client = await pool.connect();
    try {
      await client.query("SET TIME ZONE 'UTC'"); // bounds print in the session's zone
      const { rows } = await client.query<{ name: string; bound: string }>(
        `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
          WHERE i.inhparent = $1::regclass ORDER BY c.relname`,
        [parent],
      );
      await client.query('RESET TIME ZONE');
      return new Map(rows.map((r) => [r.name, r.bound]));
    } finally {
      client.release();
    }
  }

  it('has the seed tables, with pipeline_runs and jobs partitioned by month', async () => {
    const { rows } = await pool.query<{ relname: string; relkind: string }>(
      `SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND NOT c.relispartition
          AND c.relname = ANY(ARRAY['pipelines', 'pipeline_runs', 'stages', 'jobs', 'artifacts', 'deployments'])
        ORDER BY c.relname`,
    );
    expect(Object.fromEntries(rows.map((r) => [r.relname, r.relkind]))).toEqual({
      artifacts: 'r',
      deployments: 'r',
      jobs: 'p',
      pipeline_runs: 'p',
      pipelines: 'r',
      stages: 'r',
    });

    for (const parent of ['pipeline_runs', 'jobs']) {
      const parts = await partitions(parent);
      for (const month of [utcMonth(0), utcMonth(1)]) {
        const [y, m] = month.split('_');
        const next = utcMonth(0) === month ? utcMonth(1) : utcMonth(2);
        const [ny, nm] = next.split('_');
        expect(parts.get(`${parent}_${month}`), `${parent}_${month}`).toBe(
          `FOR VALUES FROM ('${y}-${m}-01 00:00:00+00') TO ('${ny}-${nm}-01 00:00:00+00')`,
        );
      }
    }
  });

  it('creates the partitions of a past month on demand, idempotently, and routes rows into them', async () => {
    const created = await pool.query<{ n: number }>(`SELECT switchyard_create_partitions('2020-03-15', 1) AS n`);
    expect(created.rows[0]!.n).toBe(2);
    expect((await partitions('pipeline_runs')).get('pipeline_runs_2020_03')).toBe(
      "FOR VALUES FROM ('2020-03-01 00:00:00+00') TO ('2020-04-01 00:00:00+00')",
    );
    expect((await partitions('jobs')).has('jobs_2020_03')).toBe(true);
    const again = await pool.query<{ n: number }>(`SELECT switchyard_create_partitions('2020-03-01', 1) AS n`);
    expect(again.rows[0]!.n).toBe(0);

    // The last millisecond of March (UTC) lands in March's partitions; April has none.
    const { rows } = await pool.query<{ run: string; job: string }>(
      `WITH repo AS (INSERT INTO repos (name, clone_url, webhook_secret_enc) VALUES ('r', 'file:///r', 'x') RETURNING id),
            pipeline AS (INSERT INTO pipelines (repo_id, name, config_path) SELECT id, 'p', '.ci/pipeline.yml' FROM repo RETURNING id),
            run AS (INSERT INTO pipeline_runs (pipeline_id, number, trigger, commit_sha, created_at)
                    SELECT id, 1, 'push', 'abc', '2020-03-31T23:59:59.999Z' FROM pipeline RETURNING id, created_at, tableoid),
            stage AS (INSERT INTO stages (run_id, run_created_at, name, position) SELECT id, created_at, 'build', 0 FROM run RETURNING id),
            job AS (INSERT INTO jobs (created_at, run_id, stage_id, name, spec)
                    SELECT run.created_at, run.id, stage.id, 'compile', '{}' FROM run, stage RETURNING tableoid)
       SELECT run.tableoid::regclass::text AS run, job.tableoid::regclass::text AS job FROM run, job`,
    );
    expect(rows).toEqual([{ run: 'pipeline_runs_2020_03', job: 'jobs_2020_03' }]);
    await expect(
      pool.query(
        `INSERT INTO pipeline_runs (pipeline_id, number, trigger, commit_sha, created_at)
         SELECT id, 2, 'push', 'abc', '2020-04-01T00:00:00Z' FROM pipelines`,
      ),
    ).rejects.toThrow(/no partition/);
  });
});
