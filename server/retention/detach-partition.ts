// Detaching and dropping one partition without stalling live traffic.
//
// DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+) takes only SHARE UPDATE
// EXCLUSIVE on the parent, so inserts and updates into the live partitions go
// on; it marks the partition "detach pending" (new queries stop seeing it),
// waits for the transactions that could still see it, then finishes. It cannot
// run in a transaction block, is refused while the table has a default
// partition, and allows one pending detach per table; when it is interrupted
// the partition stays pending and `DETACH PARTITION … FINALIZE` completes it.
// The last step drops the constraints that point at the partition, which
// takes a brief exclusive lock on each referencing table.
//
// So every statement runs with a short lock_timeout: retention never sits in
// the lock queue in front of live writers for longer than that; when it times
// out it waits a little and tries again, and after a few tries gives up until
// the next pass. The partition-creation advisory lock (the one
// switchyard_create_partitions takes) is held around each step so creating
// and retiring partitions never interleave.
import pg from 'pg';
import type { PartitionedTable } from './expired-partitions';

/** The advisory lock switchyard_create_partitions takes (prisma/migrations/…_init). */
export const PARTITION_DDL_LOCK = 72707370;

export interface DdlOptions {
  /** Longest wait for any one lock, in ms (lock_timeout). */
  lockTimeoutMs: number;
  /** Tries per step before the pass gives up on this partition. */
  attempts: number;
  /** Pause between tries, in ms (doubled each time, with jitter). */
  retryDelayMs: number;
  onRetry?: (step: string, err: Error) => void;
}

export const DEFAULT_DDL_OPTIONS: DdlOptions = { lockTimeoutMs: 100, attempts: 10, retryDelayMs: 250 };

/** The statement gave up on a lock (lock_timeout) or lost a deadlock: worth trying again. */
export function isLockContention(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return code === '55P03' || code === '40P01';
}

/** A row still points at the partition (someone wrote to an old run meanwhile): clear and try again. */
export function isStillReferenced(err: unknown): boolean {
  return (err as { code?: string }).code === '23503';
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `step` under the lock timeout and the DDL lock, retrying lock contention. */
async function withRetries(client: pg.ClientBase, name: string, opts: DdlOptions, step: () => Promise<void>) {
  await client.query(`SET lock_timeout = ${Math.max(1, Math.round(opts.lockTimeoutMs))}`);
  for (let attempt = 1; ; attempt++) {
    let locked = false;
    try {
      await client.query('SELECT pg_advisory_lock($1)', [PARTITION_DDL_LOCK]);
      locked = true;
      await step();
      return;
    } catch (err) {
      if (!isLockContention(err) || attempt >= opts.attempts) throw err;
      opts.onRetry?.(name, err as Error);
    } finally {
      if (locked) await client.query('SELECT pg_advisory_unlock($1)', [PARTITION_DDL_LOCK]);
    }
    await pause(opts.retryDelayMs * 2 ** Math.min(attempt - 1, 4) * (0.5 + Math.random()));
  }
}

/** Whether `partition` is attached to `parent` and whether its detach is pending; null when it is not attached. */
export async function attachment(
  client: pg.ClientBase,
  parent: PartitionedTable,
  partition: string,
): Promise<{ pending: boolean } | null> {
  const r = await client.query<{ pending: boolean }>(
    `SELECT i.inhdetachpending AS pending FROM pg_inherits i
      WHERE i.inhparent = to_regclass($1) AND i.inhrelid = to_regclass($2)`,
    [parent, partition],
  );
  return r.rows[0] ?? null;
}

/** Detaches `partition` from `parent` (finishing an interrupted detach) and drops it. Idempotent. */
export async function detachAndDrop(
  client: pg.ClientBase,
  parent: PartitionedTable,
  partition: string,
  opts: DdlOptions = DEFAULT_DDL_OPTIONS,
): Promise<void> {
  const p = pg.escapeIdentifier(parent);
  const child = pg.escapeIdentifier(partition);
  await withRetries(client, `detach ${partition}`, opts, async () => {
    const state = await attachment(client, parent, partition);
    if (!state) return;
    await client.query(`ALTER TABLE ${p} DETACH PARTITION ${child} ${state.pending ? 'FINALIZE' : 'CONCURRENTLY'}`);
  });
  // Dropping the table drops its foreign keys, and each one's triggers on the table it points at, which
  // needs an exclusive lock there: all at once (pipeline_runs, stages, runners together) a live transaction
  // holding one and wanting another makes a lock cycle. One constraint per statement holds one live table at a time.
  for (const constraint of await foreignKeysOf(client, partition)) {
    await withRetries(client, `drop ${partition}.${constraint}`, opts, async () => {
      await client.query(`ALTER TABLE IF EXISTS ${child} DROP CONSTRAINT IF EXISTS ${pg.escapeIdentifier(constraint)}`);
    });
  }
  await withRetries(client, `drop ${partition}`, opts, async () => {
    await client.query(`DROP TABLE IF EXISTS ${child}`);
  });
}

/** The foreign keys a table (a detached partition) holds. */
async function foreignKeysOf(client: pg.ClientBase, table: string): Promise<string[]> {
  const r = await client.query<{ name: string }>(
    `SELECT conname::text AS name FROM pg_constraint WHERE conrelid = to_regclass($1) AND contype = 'f' ORDER BY conname`,
    [table],
  );
  return r.rows.map((row) => row.name);
}
