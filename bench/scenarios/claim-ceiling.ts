// The database side of dispatch throughput: what a bare SKIP LOCKED queue on
// this same PostgreSQL can do (the ceiling Switchyard's claims are compared
// with), and the plan of the exact query pg-boss runs to fetch a pool's next job.
import { createRequire } from 'node:module';
import type pg from 'pg';
import { QUEUE_SCHEMA } from '../../server/queue/boss';
import { rawClient } from '../harness/system';

export interface CeilingResult {
  claims: number;
  claimsPerSecond: number;
  /** Each claim statement alone, in ms. */
  claimMs: number[];
}

/**
 * W connections each claim a row (the same ORDER BY and SKIP LOCKED shape as
 * pg-boss's fetch) and mark it done, each statement its own transaction as in
 * the real flow, until the table is empty. A regular table, not TEMP: a temp
 * table is private to one session and the W workers must share it.
 */
export async function claimCeiling(dbUrl: string, rows: number, workers: number): Promise<CeilingResult> {
  const admin = await rawClient(dbUrl);
  const clients: pg.Client[] = [];
  try {
    await admin.query('DROP TABLE IF EXISTS bench_ceiling');
    await admin.query(
      'CREATE TABLE bench_ceiling (id bigserial PRIMARY KEY, state text, priority int, created_at timestamptz DEFAULT now())',
    );
    await admin.query(
      `CREATE INDEX bench_ceiling_fetch ON bench_ceiling (state, priority DESC, created_at, id) WHERE state = 'queued'`,
    );
    await admin.query(`INSERT INTO bench_ceiling (state, priority) SELECT 'queued', 0 FROM generate_series(1, $1)`, [
      rows,
    ]);
    await admin.query('ANALYZE bench_ceiling');
    for (let i = 0; i < workers; i++) clients.push(await rawClient(dbUrl));

    const claimMs: number[] = [];
    let claims = 0;
    const worker = async (db: pg.Client) => {
      for (;;) {
        const t0 = performance.now();
        const claimed = await db.query<{ id: string }>(
          `UPDATE bench_ceiling SET state = 'active'
            WHERE id = (SELECT id FROM bench_ceiling WHERE state = 'queued'
                         ORDER BY priority DESC, created_at, id FOR UPDATE SKIP LOCKED LIMIT 1)
            RETURNING id`,
        );
        claimMs.push(performance.now() - t0);
        const id = claimed.rows[0]?.id;
        // SKIP LOCKED can miss rows another worker holds only for a moment; empty means none is left queued.
        if (!id) {
          const left = await db.query(`SELECT 1 FROM bench_ceiling WHERE state = 'queued' LIMIT 1`);
          if (left.rowCount === 0) return;
          continue;
        }
        await db.query(`UPDATE bench_ceiling SET state = 'done' WHERE id = $1`, [id]);
        claims++;
      }
    };
    const t0 = performance.now();
    await Promise.all(clients.map(worker));
    const seconds = (performance.now() - t0) / 1000;
    return { claims, claimsPerSecond: claims / seconds, claimMs };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
    await admin.query('DROP TABLE IF EXISTS bench_ceiling');
    await admin.end();
  }
}

/** pg-boss's SQL, from the installed version itself rather than a copy. */
const plans = createRequire(import.meta.url)('pg-boss/src/plans.js') as {
  fetchNextJob(schema: string): (opts: { includeMetadata?: boolean; priority?: boolean }) => string;
  purgeQueue(schema: string): string;
};

/** The SQL boss.fetch(queue, { batchSize: 1 }) runs. */
export function fetchNextJobSql(): string {
  return plans.fetchNextJob(QUEUE_SCHEMA)({ includeMetadata: false, priority: true });
}

/**
 * Deletes the messages still waiting in these queues, as boss.purgeQueue does.
 * Cancelling a run leaves its jobs' messages behind (a claim drops them when it
 * meets them); a bench that cancelled its backlog removes them itself.
 */
export async function purgeQueues(dbUrl: string, queues: string[]): Promise<void> {
  const db = await rawClient(dbUrl);
  try {
    for (const queue of queues) await db.query(plans.purgeQueue(QUEUE_SCHEMA), [queue]);
  } finally {
    await db.end();
  }
}

export interface ClaimPlan {
  plan: string;
  /** The partition pg-boss keeps this queue in. */
  partition: string | null;
  /** Relations the plan reads with an index. */
  indexed: string[];
  /** Relations read by a sequential scan, with their row counts. */
  seqScans: { relation: string; rows: number }[];
  usesIndex: boolean;
  executionMs: number;
}

/** Relations read by a sequential scan larger than this make the plan a miss. */
const LARGE_RELATION_ROWS = 1_000;

/**
 * EXPLAIN ANALYZE runs the fetch for real (it marks a job active), so it runs
 * in a transaction that is rolled back: the queue is left as it was.
 */
export async function explainClaim(dbUrl: string, queue: string): Promise<ClaimPlan> {
  const db = await rawClient(dbUrl);
  try {
    const partition =
      (
        await db.query<{ partition_name: string }>(`SELECT partition_name FROM ${QUEUE_SCHEMA}.queue WHERE name = $1`, [
          queue,
        ])
      ).rows[0]?.partition_name ?? null;
    await db.query('BEGIN');
    let plan: string;
    try {
      const explained = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT TEXT) ${fetchNextJobSql()}`,
        [queue, 1],
      );
      plan = explained.rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await db.query('ROLLBACK');
    }
    const relations = (re: RegExp) => [...new Set([...plan.matchAll(re)].map((m) => m[1]!))];
    const indexed = relations(/Index(?: Only)? Scan(?: Backward)? using \S+ on (\w+)/g).concat(
      relations(/Bitmap Heap Scan on (\w+)/g),
    );
    const seqScans: ClaimPlan['seqScans'] = [];
    for (const relation of relations(/Seq Scan on (\w+)/g)) {
      const counted = await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${QUEUE_SCHEMA}."${relation}"`);
      seqScans.push({ relation, rows: Number(counted.rows[0]!.n) });
    }
    // What matters is that a claim never reads the backlog: an index, or a sequential
    // scan of a partition so small (consumed messages are deleted) that it is the cheaper plan.
    const usesIndex =
      !seqScans.some((s) => s.rows > LARGE_RELATION_ROWS) && (indexed.length > 0 || seqScans.length > 0);
    const executionMs = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
    return { plan, partition, indexed, seqScans, usesIndex, executionMs };
  } finally {
    await db.end();
  }
}

/**
 * Samples what the database's client connections are doing until stopped:
 * the mean number of connections in each state (waiting on a lock, running a
 * statement, idle inside a transaction while the application thinks).
 */
export async function sampleActivity(dbUrl: string, everyMs = 50) {
  const db = await rawClient(dbUrl);
  const totals: Record<string, number> = {};
  let samples = 0;
  let stopped = false;
  const sampling = (async () => {
    while (!stopped) {
      const { rows } = await db.query<{ what: string; n: string }>(
        `SELECT CASE WHEN state = 'active' AND wait_event_type = 'Lock' THEN 'waiting on a lock (' || wait_event || ')'
                     WHEN state = 'active' THEN 'running a statement'
                     ELSE state END AS what, count(*) AS n
           FROM pg_stat_activity
          WHERE datname = current_database() AND backend_type = 'client backend'
            AND pid <> pg_backend_pid() AND state <> 'idle'
          GROUP BY 1`,
      );
      for (const r of rows) totals[r.what] = (totals[r.what] ?? 0) + Number(r.n);
      samples++;
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return async (): Promise<Record<string, number>> => {
    stopped = true;
    await sampling;
    await db.end();
    return Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, +(v / Math.max(1, samples)).toFixed(2)]));
  };
}
