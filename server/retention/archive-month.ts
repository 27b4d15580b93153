// Archive mode: before a month's partitions are dropped, its rows and logs are
// copied to the object store under archive/<YYYY_MM>/ (see docs/retention.md):
//
//   archive/2026_07/pipeline_runs.jsonl.gz   one JSON object per row (row_to_json:
//   archive/2026_07/jobs.jsonl.gz            the columns by their SQL names), gzip
//   archive/2026_07/<table>.jsonl.gz         every table pointing at those runs or jobs
//   archive/2026_07/logs/<job>/<attempt>.log each attempt's whole log
//   archive/2026_07/manifest.json            written last: what is there, row counts
//
// The manifest marks a finished archive: a pass that stopped after archiving
// (and maybe after clearing some rows) does not archive the month again and
// overwrite a complete copy with a partial one.
import { once } from 'node:events';
import zlib from 'node:zlib';
import pg from 'pg';
import { z } from 'zod';
import type { ObjectStore } from '../storage/object-store';
import { LogStore } from '../storage/log-store';
import type { ExpiredMonth } from './expired-partitions';
import type { ReferencingKey } from './partition-catalog';

export const ARCHIVE_FORMAT = 'switchyard-archive/1';

export const ArchiveManifest = z.object({
  format: z.literal(ARCHIVE_FORMAT),
  month: z.string(),
  from: z.string().nullable(),
  to: z.string(),
  archivedAt: z.string(),
  tables: z.record(z.string(), z.object({ key: z.string(), rows: z.number().int(), bytes: z.number().int() })),
  logs: z.object({ prefix: z.string(), count: z.number().int() }),
});
export type ArchiveManifest = z.infer<typeof ArchiveManifest>;

export const archivePrefix = (month: string) => `archive/${month}/`;
export const manifestKey = (month: string) => `${archivePrefix(month)}manifest.json`;

/** Lines in, one gzip member out, held compressed in memory. */
class GzipLines {
  rows = 0;
  private readonly gz = zlib.createGzip();
  private readonly parts: Buffer[] = [];
  constructor() {
    this.gz.on('data', (chunk: Buffer) => this.parts.push(chunk));
  }
  add(lines: string[]) {
    for (const line of lines) this.gz.write(`${line}\n`);
    this.rows += lines.length;
  }
  async finish(): Promise<Buffer> {
    const ended = once(this.gz, 'end');
    this.gz.end();
    await ended;
    return Buffer.concat(this.parts);
  }
}

/** The manifest of a finished archive of `month`, or null. */
export async function readManifest(objects: ObjectStore, month: string): Promise<ArchiveManifest | null> {
  const body = await objects.get(manifestKey(month));
  return body ? ArchiveManifest.parse(JSON.parse(body.toString('utf8'))) : null;
}

/** The rows of one archived table, parsed. */
export async function readArchiveTable(
  objects: ObjectStore,
  month: string,
  table: string,
): Promise<Record<string, unknown>[]> {
  const body = await objects.get(`${archivePrefix(month)}${table}.jsonl.gz`);
  if (!body) throw new Error(`no archive of ${table} for ${month}`);
  return zlib
    .gunzipSync(body)
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

const rowsAsJson = async (client: pg.ClientBase, sql: string, params: unknown[]) =>
  (await client.query<{ j: string }>(sql, params)).rows.map((r) => r.j);

/**
 * Writes the archive of `month` unless a finished one is there; returns its
 * manifest. `refs` are the keys from other tables into jobs and pipeline_runs.
 */
export async function archiveMonth(
  client: pg.ClientBase,
  objects: ObjectStore,
  month: ExpiredMonth,
  refs: ReferencingKey[],
  now: Date,
  chunk = 500,
): Promise<ArchiveManifest> {
  const done = await readManifest(objects, month.month);
  if (done) return done;
  const runsPart = month.partitions.find((p) => p.parent === 'pipeline_runs')?.name;
  const jobsPart = month.partitions.find((p) => p.parent === 'jobs')?.name;
  const writers = new Map<string, GzipLines>();
  const writer = (table: string) => writers.get(table) ?? writers.set(table, new GzipLines()).get(table)!;
  for (const table of ['pipeline_runs', 'jobs', ...new Set(refs.map((r) => r.table))]) writer(table);
  const byTable = new Map<string, ReferencingKey[]>();
  for (const r of refs) byTable.set(r.table, [...(byTable.get(r.table) ?? []), r]);
  const logs = new LogStore(objects);
  const logPrefix = `${archivePrefix(month.month)}logs/`;
  let logCount = 0;

  let after = '00000000-0000-0000-0000-000000000000';
  while (runsPart) {
    const runs = await client.query<{ id: string; j: string }>(
      `SELECT r.id, row_to_json(r)::text AS j FROM ${pg.escapeIdentifier(runsPart)} r WHERE r.id > $1 ORDER BY r.id LIMIT $2`,
      [after, chunk],
    );
    if (runs.rows.length === 0) break;
    after = runs.rows[runs.rows.length - 1]!.id;
    const runIds = runs.rows.map((r) => r.id);
    writer('pipeline_runs').add(runs.rows.map((r) => r.j));
    const jobs = jobsPart
      ? (
          await client.query<{ id: string; j: string }>(
            `SELECT j.id, row_to_json(j)::text AS j FROM ${pg.escapeIdentifier(jobsPart)} j WHERE j.run_id = ANY($1::uuid[])`,
            [runIds],
          )
        ).rows
      : [];
    const jobIds = jobs.map((j) => j.id);
    writer('jobs').add(jobs.map((j) => j.j));
    for (const [table, keys] of byTable) {
      // One query per table with its keys OR-ed: a row pointing at both a run and a job comes once.
      const where = keys.map((k, i) => `${pg.escapeIdentifier(k.idColumn)} = ANY($${i + 1}::uuid[])`);
      const params = keys.map((k) => (k.parent === 'jobs' ? jobIds : runIds));
      const sql = `SELECT row_to_json(t)::text AS j FROM ${pg.escapeIdentifier(table)} t WHERE ${where.join(' OR ')}`;
      writer(table).add(await rowsAsJson(client, sql, params));
    }
    const attempts = await client.query<{ job_id: string; number: number }>(
      `SELECT job_id, number FROM job_attempts WHERE job_id = ANY($1::uuid[])`,
      [jobIds],
    );
    for (const a of attempts.rows) {
      const text = await logs.read(a.job_id, a.number);
      if (text === '') continue;
      await objects.put(`${logPrefix}${a.job_id}/${a.number}.log`, text);
      logCount++;
    }
  }

  const tables: ArchiveManifest['tables'] = {};
  for (const [table, w] of writers) {
    const key = `${archivePrefix(month.month)}${table}.jsonl.gz`;
    const body = await w.finish();
    await objects.put(key, body);
    tables[table] = { key, rows: w.rows, bytes: body.length };
  }
  const manifest: ArchiveManifest = {
    format: ARCHIVE_FORMAT,
    month: month.month,
    from: month.from?.toISOString() ?? null,
    to: month.to.toISOString(),
    archivedAt: now.toISOString(),
    tables,
    logs: { prefix: logPrefix, count: logCount },
  };
  await objects.put(manifestKey(month.month), JSON.stringify(manifest, null, 2));
  return manifest;
}
