// Applies prisma/migrations/<name>/migration.sql the way `prisma migrate deploy`
// would, without Prisma's schema engine (its binary cannot be downloaded on
// every machine). The bookkeeping is Prisma's own: the `_prisma_migrations`
// table, its columns, sha256 checksums of the files, and the engine's advisory
// lock, so the Prisma CLI, where it runs, sees the same state.
//
// Unlike Prisma, each migration runs in one transaction with its bookkeeping
// row, so a failed migration leaves nothing half-applied: it is recorded as
// rolled back and can simply be fixed and applied again.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/** The lock id Prisma's schema engine takes around `migrate deploy`. */
export const PRISMA_MIGRATE_LOCK_ID = 72707369;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  alreadyApplied: number;
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export function checksum(bytes: Buffer): string {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** The migrations in a folder, in the order Prisma applies them (by name). */
export function readMigrations(dir: string): MigrationFile[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()
    .flatMap((name) => {
      const file = path.join(dir, name, 'migration.sql');
      if (!fs.existsSync(file)) return [];
      const bytes = fs.readFileSync(file);
      return [{ name, sql: bytes.toString('utf8'), checksum: checksum(bytes) }];
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

/** What must happen, given what is recorded: pure, so it is tested without a database. */
export function planMigrations(files: MigrationFile[], rows: AppliedRow[]): MigrationFile[] {
  const finished = new Map<string, AppliedRow>();
  for (const row of rows) {
    if (row.rolled_back_at) continue;
    if (!row.finished_at) {
      throw new MigrationError(
        `Migration ${row.migration_name} started but never finished (a crash during \`prisma migrate deploy\`?). ` +
          `Check the database, then mark it with \`prisma migrate resolve --rolled-back ${row.migration_name}\` ` +
          `or set rolled_back_at on its row in _prisma_migrations.`,
      );
    }
    finished.set(row.migration_name, row);
  }
  const known = new Set(files.map((f) => f.name));
  for (const name of finished.keys()) {
    if (!known.has(name)) {
      throw new MigrationError(
        `The database has migration ${name}, which this checkout does not: it was migrated by a newer version of Switchyard.`,
      );
    }
  }
  for (const file of files) {
    const row = finished.get(file.name);
    if (row && row.checksum !== file.checksum) {
      throw new MigrationError(
        `Migration ${file.name} was changed after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ` +
          `${file.checksum.slice(0, 12)}… on disk). Applied migrations are immutable: restore the file and add a new migration.`,
      );
    }
  }
  return files.filter((f) => !finished.has(f.name));
}

/** Applies the pending migrations of `dir` to the database at `url`. */
export async function migrate(url: string, dir: string, log: (msg: string) => void = () => {}): Promise<MigrateResult> {
  const files = readMigrations(dir);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_ID]);
    await client.query(CREATE_TABLE);
    const { rows } = await client.query<AppliedRow>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
    );
    const pending = planMigrations(files, rows);
    for (const file of pending) {
      log(`applying migration ${file.name}`);
      await applyOne(client, file);
    }
    return { applied: pending.map((f) => f.name), alreadyApplied: files.length - pending.length };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_ID]).catch(() => undefined);
    await client.end();
  }
}

async function applyOne(client: pg.Client, file: MigrationFile): Promise<void> {
  const id = crypto.randomUUID();
  try {
    await client.query('BEGIN');
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
      [id, file.checksum, file.name],
    );
    await client.query(file.sql);
    await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [
      id,
    ]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    const message = err instanceof Error ? err.message : String(err);
    // Recorded as Prisma records a failure, and as rolled back, because it was.
    await client.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, logs, started_at, rolled_back_at)
       VALUES ($1, $2, $3, $4, now(), now())`,
      [id, file.checksum, file.name, message],
    );
    throw new MigrationError(`Migration ${file.name} failed and was rolled back: ${message}`);
  }
}

/** Creates the monthly partitions from this month to `monthsAhead` months ahead. */
export async function ensurePartitions(url: string, monthsAhead: number): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ created: number }>('SELECT switchyard_ensure_partitions($1) AS created', [
      monthsAhead,
    ]);
    return rows[0]?.created ?? 0;
  } finally {
    await client.end();
  }
}
