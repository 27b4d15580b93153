// /api/metrics' text against a real database: it parses as Prometheus text,
// promtool accepts it, and every figure equals what SQL counts in the rows
// the fixture made; the histograms never fall when rows are deleted.
import { spawnSync } from 'node:child_process';
import parsePrometheusTextFormat, { type PromFamily } from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../tests/db';
import { makeInsightsHistory, type InsightsHistory } from '../../tests/insights-fixture';
import { testServices, type TestServices } from '../../tests/services';
import { claimNext } from '../domain/job/claim';
import { touchRunner } from '../domain/runner/registration';
import { CLAIM_LATENCY_BUCKETS, JOB_DURATION_BUCKETS, bucketIndex } from '../domain/insights/histogram-buckets';
import { createMetricsState, renderMetrics, type MetricsState } from './metrics-registry';

let db: TestDatabase;
let services: TestServices;
let history: InsightsHistory;
let state: MetricsState;

beforeAll(async () => {
  db = await createTestDatabase();
  services = await testServices(db.prisma, db.url);
  const start = new Date(Date.now() - 2 * 3600_000);
  // The process "started" before the history: every row of it is counted.
  state = createMetricsState(new Date(start.getTime() - 1000));
  history = await makeInsightsHistory(db.prisma, services, start);
}, 60_000);
afterAll(async () => {
  await services?.close();
  await db?.drop();
  history?.repo.remove();
});

function family(families: PromFamily[], name: string): PromFamily {
  const f = families.find((x) => x.name === name);
  if (!f) throw new Error(`no ${name} in ${families.map((x) => x.name).join(', ')}`);
  return f;
}

/** Samples of a family as `label=value,…` → number. */
function samples(f: PromFamily): Record<string, number> {
  return Object.fromEntries(
    f.metrics.map((m) => [
      Object.entries(m.labels ?? {})
        .map(([k, v]) => `${k}=${v}`)
        .join(','),
      Number(m.value),
    ]),
  );
}

/**
 * A histogram's series by their labels (without `le`), read from the text's
 * sample lines: parse-prometheus-text-format 1.1 merges a labelled
 * histogram's series into one and drops their labels, so its figures are
 * read here (label values in these tests hold no quotes or commas).
 */
function histogram(
  text: string,
  name: string,
): Record<string, { buckets: Record<string, string>; sum: number; count: number }> {
  const out: Record<string, { buckets: Record<string, string>; sum: number; count: number }> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+)\{([^}]*)\} (\S+)$/.exec(line);
    if (!m || !m[1]!.startsWith(`${name}_`)) continue;
    const labels = Object.fromEntries(
      m[2]!.split(',').map((kv) => kv.split('=').map((x) => x.replace(/^"|"$/g, '')) as [string, string]),
    );
    const { le, ...rest } = labels;
    const key = Object.entries(rest)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const series = (out[key] ??= { buckets: {}, sum: NaN, count: NaN });
    const suffix = m[1]!.slice(name.length + 1);
    if (suffix === 'bucket') series.buckets[le!] = m[3]!;
    else if (suffix === 'sum') series.sum = Number(m[3]);
    else if (suffix === 'count') series.count = Number(m[3]);
  }
  return out;
}

async function scrape(opts: { settleMs?: number } = {}) {
  await touchRunner(db.prisma, history.online.id, {}, new Date());
  const rendered = await renderMetrics(db.prisma, state, new Date(), opts);
  return { ...rendered, families: parsePrometheusTextFormat(rendered.text) };
}

async function sqlCounts(sql: string): Promise<Record<string, number>> {
  const { rows } = await db.pg.query<{ key: string; n: string }>(sql);
  return Object.fromEntries(rows.map((r) => [r.key, Number(r.n)]));
}

/** Expected cumulative buckets of a list of values. */
function expectedBuckets(values: number[], bounds: readonly number[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const le of bounds)
    out[String(le)] = String(values.filter((v) => bucketIndex(v, bounds) <= bounds.indexOf(le)).length);
  out['+Inf'] = String(values.length);
  return out;
}

describe('GET /api/metrics', () => {
  it('is Prometheus text that promtool accepts', async () => {
    const { text, contentType } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const check = spawnSync('/usr/bin/promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: check.status, out: check.stdout + check.stderr }).toEqual({ status: 0, out: '' });
    for (const f of parsePrometheusTextFormat(text)) {
      expect(f.name).toMatch(/^switchyard_/);
      expect(f.help.length).toBeGreaterThan(10);
    }
  });

  it('reports queues, runs, runners, deployments and rollbacks as the database holds them', async () => {
    const { families } = await scrape();
    const depth = await sqlCounts(
      `SELECT 'pool=' || pool || ',priority=' || priority AS key, count(*) AS n FROM jobs WHERE status = 'queued' GROUP BY pool, priority`,
    );
    expect(depth).toEqual({ 'pool=default,priority=10': 1, 'pool=linux,priority=10': 1 });
    expect(samples(family(families, 'switchyard_queue_depth'))).toEqual(depth);
    const oldest = samples(family(families, 'switchyard_queue_oldest_wait_seconds'));
    const waitedAtLeast = (Date.now() - history.end.getTime()) / 1000;
    for (const key of Object.keys(depth)) {
      expect(oldest[key]).toBeGreaterThanOrEqual(waitedAtLeast - 1);
      expect(oldest[key]).toBeLessThan(waitedAtLeast + 60);
    }

    const runs = await sqlCounts(`SELECT 'status=' || status AS key, count(*) AS n FROM pipeline_runs GROUP BY status`);
    expect(runs).toEqual({ 'status=success': 1, 'status=failed': 2, 'status=running': 1 });
    expect(samples(family(families, 'switchyard_runs'))).toEqual({
      'status=pending': 0,
      'status=cancelled': 0,
      ...runs,
    });

    expect(samples(family(families, 'switchyard_runners'))).toEqual({
      'pool=default,state=online': 1,
      'pool=default,state=disabled': 1,
      'pool=linux,state=offline': 1,
    });

    const deployments = await sqlCounts(
      `SELECT 'environment=' || environment || ',status=' || status AS key, count(*) AS n FROM deployments GROUP BY 1`,
    );
    expect(deployments).toEqual({
      'environment=production,status=success': 1,
      'environment=production,status=rolled_back': 1,
    });
    expect(samples(family(families, 'switchyard_deployments'))).toEqual(deployments);
    expect(samples(family(families, 'switchyard_deployment_rollbacks'))).toEqual({
      'environment=production,kind=automatic': 1,
    });
  });

  it('reports the mean times to detect and to deploy of the last 7 days', async () => {
    const { families } = await scrape();
    const runs = await db.prisma.pipelineRun.findMany();
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const detect = runs.filter((r) => r.failedAt).map((r) => (r.failedAt!.getTime() - r.pushedAt!.getTime()) / 1000);
    const deploy = runs
      .filter((r) => r.deployedAt)
      .map((r) => (r.deployedAt!.getTime() - r.pushedAt!.getTime()) / 1000);
    // B: pushed at 190 s, failed at 212.3 s; C: pushed at 380 s, rolled back at 700 s.
    expect(detect.sort((x, y) => x - y)).toEqual([22.3, 320]);
    expect(deploy).toEqual([140]);
    expect(samples(family(families, 'switchyard_mean_time_to_detect_seconds'))['window=7d']).toBeCloseTo(
      mean(detect),
      6,
    );
    expect(samples(family(families, 'switchyard_broken_builds'))).toEqual({ 'window=7d': 2 });
    expect(samples(family(families, 'switchyard_mean_time_to_deploy_seconds'))['window=7d']).toBeCloseTo(140, 6);
    expect(samples(family(families, 'switchyard_production_deploys'))).toEqual({ 'window=7d': 1 });
  });

  it('counts claim latencies and job durations into histograms that match the rows', async () => {
    const { families, text } = await scrape();
    expect(family(families, 'switchyard_claim_latency_seconds').type).toBe('HISTOGRAM');
    expect(family(families, 'switchyard_job_duration_seconds').type).toBe('HISTOGRAM');

    const attempts = await sqlCounts(
      `SELECT 'pool=' || j.pool AS key, count(*) AS n FROM job_attempts a
         JOIN jobs j ON j.id = a.job_id AND j.created_at = a.job_created_at GROUP BY 1`,
    );
    expect(attempts).toEqual({ 'pool=default': 3 });
    const seconds = history.claimLatencies.map((l) => l.seconds);
    expect(seconds).toEqual([2, 0.3, 40]);
    const latency = histogram(text, 'switchyard_claim_latency_seconds');
    expect(Object.keys(latency)).toEqual(['pool=default']);
    expect(latency['pool=default']!.count).toBe(attempts['pool=default']);
    expect(latency['pool=default']!.buckets).toEqual(expectedBuckets(seconds, CLAIM_LATENCY_BUCKETS));
    expect(latency['pool=default']!.sum).toBeCloseTo(42.3, 6);

    const finished = await sqlCounts(
      `SELECT 'pool=' || pool || ',status=' || status AS key, count(*) AS n FROM jobs
        WHERE finished_at IS NOT NULL AND started_at IS NOT NULL AND pool NOT LIKE 'deploy:%' GROUP BY 1`,
    );
    expect(finished).toEqual({ 'pool=default,status=success': 2, 'pool=default,status=failed': 1 });
    const duration = histogram(text, 'switchyard_job_duration_seconds');
    expect(Object.keys(duration).sort()).toEqual(Object.keys(finished).sort());
    for (const [key, series] of Object.entries(duration)) {
      const values = history.jobDurations
        .filter((d) => `pool=${d.pool},status=${d.status}` === key)
        .map((d) => d.seconds);
      expect(series.count).toBe(finished[key]);
      expect(series.buckets).toEqual(expectedBuckets(values, JOB_DURATION_BUCKETS));
      expect(series.sum).toBeCloseTo(
        values.reduce((sum, v) => sum + v, 0),
        6,
      );
    }
  });

  it('keeps the histograms monotonic when retention deletes rows, and adds new claims once', async () => {
    const before = await scrape();
    const countOf = (text: string) => histogram(text, 'switchyard_claim_latency_seconds')['pool=default']!.count;
    expect(countOf(before.text)).toBe(3);
    // Retention drops old runs with their jobs and attempts.
    await db.prisma.pipelineRun.deleteMany({ where: { id: history.runs.b.id } });
    const after = await scrape();
    expect(countOf(after.text)).toBe(3);
    expect(samples(family(after.families, 'switchyard_runs'))['status=failed']).toBe(1);
    // A new claim (run D's unit job) is counted at the next scrape, once.
    const claimed = await claimNext(db.prisma, services.boss, history.online, () => new Date());
    expect(claimed?.name).toBe('unit');
    const next = await scrape({ settleMs: 0 });
    expect(countOf(next.text)).toBe(4);
    expect(countOf((await scrape({ settleMs: 0 })).text)).toBe(4);
    expect(samples(family(next.families, 'switchyard_queue_depth'))).toEqual({ 'pool=linux,priority=10': 1 });
  });
});
