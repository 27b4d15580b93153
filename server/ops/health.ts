// Liveness of what the system needs: the database answers, and the queue's
// schema (pg-boss) is installed. GET /api/health answers 200 or 503 from this.
import type { Db } from '../db/client';

export interface HealthReport {
  ok: boolean;
  database: { ok: boolean; latencyMs?: number; error?: string };
  queue: { ok: boolean; version?: number; error?: string };
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export async function checkHealth(db: Db, now: () => number = Date.now): Promise<HealthReport> {
  const database: HealthReport['database'] = { ok: false };
  const queue: HealthReport['queue'] = { ok: false };
  try {
    const started = now();
    await withTimeout(db.$queryRaw`SELECT 1`, 2000);
    database.ok = true;
    database.latencyMs = now() - started;
  } catch (err) {
    database.error = err instanceof Error ? err.message : String(err);
  }
  if (database.ok) {
    try {
      const rows = await withTimeout(
        db.$queryRaw<{ version: number }[]>`SELECT version FROM pgboss.version LIMIT 1`,
        2000,
      );
      queue.ok = rows.length === 1;
      queue.version = rows[0]?.version;
      if (!queue.ok) queue.error = 'pg-boss is not installed';
    } catch {
      queue.error = 'pg-boss is not installed (the scheduler installs it on start)';
    }
  } else {
    queue.error = 'database unavailable';
  }
  return { ok: database.ok && queue.ok, database, queue };
}
