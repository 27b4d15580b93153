// The insights page's trends against a real database: two pipelines with
// histories days apart, made through the domain functions; every point equals
// what the rows say when bucketed by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../tests/db';
import { makeInsightsHistory, type InsightsHistory } from '../../../tests/insights-fixture';
import { testServices, type TestServices } from '../../../tests/services';
import { createContext } from '../../api/context';
import { createCaller } from '../../api/root';
import { createUser } from '../user/users';
import { insightsTrends } from './trends';

const HOUR = 3600_000;
let db: TestDatabase;
let services: TestServices;
const histories: InsightsHistory[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  // Partitions for runs a few days back, should that be last month.
  await db.pg.query(`SELECT switchyard_create_partitions((date_trunc('month', now() - interval '10 days'))::date, 2)`);
  services = await testServices(db.prisma, db.url);
  const now = Date.now();
  histories.push(
    await makeInsightsHistory(db.prisma, services, new Date(now - 74 * HOUR), { repoName: 'api', withoutQueued: true }),
  );
  histories.push(await makeInsightsHistory(db.prisma, services, new Date(now - 2 * HOUR), { repoName: 'web' }));
}, 90_000);
afterAll(async () => {
  await services?.close();
  await db?.drop();
  for (const h of histories) h.repo.remove();
});

const day = (d: Date) => d.toISOString().slice(0, 10);
const seconds = (from: Date, to: Date) => (to.getTime() - from.getTime()) / 1000;

/** day → { count, mean } of `value` over the rows that have a `at`. */
function byDay<T>(rows: T[], at: (r: T) => Date | null, value: (r: T) => number) {
  const out = new Map<string, number[]>();
  for (const r of rows) {
    const t = at(r);
    if (t) out.set(day(t), [...(out.get(day(t)) ?? []), value(r)]);
  }
  return new Map([...out].map(([k, xs]) => [k, { count: xs.length, mean: xs.reduce((s, x) => s + x, 0) / xs.length }]));
}

describe('insights trends', () => {
  it('charts mean time to detect and to deploy per day as the runs say', async () => {
    const trends = await insightsTrends(db.prisma, { days: 30 }, new Date());
    expect(trends.unit).toBe('day');
    const runs = await db.prisma.pipelineRun.findMany();
    for (const [series, at] of [
      [trends.northStar.meanTimeToDetect, (r: (typeof runs)[number]) => r.failedAt],
      [trends.northStar.meanTimeToDeploy, (r: (typeof runs)[number]) => r.deployedAt],
    ] as const) {
      const expected = byDay(runs, at, (r) => seconds(r.pushedAt!, at(r)!));
      expect(expected.size).toBeGreaterThanOrEqual(2); // the two histories fall on different days
      const present = series.points.filter((p) => p.count > 0);
      expect(Object.fromEntries(present.map((p) => [p.start, { count: p.count, mean: p.meanSeconds }]))).toEqual(
        Object.fromEntries(expected),
      );
      expect(series.points.filter((p) => p.count === 0).every((p) => p.meanSeconds === null)).toBe(true);
    }
    // Per history: detect 22.3 s and 320 s, deploy 140 s.
    expect(trends.northStar.meanTimeToDetect.overallSeconds).toBeCloseTo((22.3 + 320) / 2, 6);
    expect(trends.northStar.meanTimeToDeploy.overallSeconds).toBeCloseTo(140, 6);
  });

  it('charts each pipeline’s success rate and run duration per day', async () => {
    const trends = await insightsTrends(db.prisma, { days: 30 }, new Date());
    expect(trends.pipelines.map((p) => p.repo)).toEqual(['api', 'web']);
    for (const p of trends.pipelines) {
      const runs = await db.prisma.pipelineRun.findMany({
        where: { pipelineId: p.id, status: { in: ['success', 'failed'] } },
      });
      expect(runs).toHaveLength(3); // A succeeded, B and C failed (web's D still runs)
      expect(p.runs).toBe(3);
      expect(p.successRate).toBeCloseTo(1 / 3, 9);
      const rate = byDay(
        runs,
        (r) => r.finishedAt,
        (r) => (r.status === 'success' ? 1 : 0),
      );
      const duration = byDay(
        runs,
        (r) => r.finishedAt,
        (r) => seconds(r.startedAt!, r.finishedAt!),
      );
      const present = p.points.filter((x) => x.runs > 0);
      expect(present.map((x) => x.start)).toEqual([...rate.keys()].sort());
      for (const x of present) {
        expect(x.runs).toBe(rate.get(x.start)!.count);
        expect(x.successRate).toBeCloseTo(rate.get(x.start)!.mean, 9);
        expect(x.meanDurationSeconds).toBeCloseTo(duration.get(x.start)!.mean, 6);
      }
      expect(p.points).toHaveLength(30);
    }
  });

  it('rolls 90 days up into weeks, and refuses other windows clearly', async () => {
    const trends = await insightsTrends(db.prisma, { days: 90 }, new Date());
    expect(trends.unit).toBe('week');
    expect(trends.northStar.meanTimeToDetect.points.reduce((n, p) => n + p.count, 0)).toBe(4);
    expect(trends.northStar.meanTimeToDeploy.points.reduce((n, p) => n + p.count, 0)).toBe(2);
    expect(
      new Set(trends.northStar.meanTimeToDetect.points.map((p) => new Date(`${p.start}T00:00:00Z`).getUTCDay())),
    ).toEqual(new Set([1]));

    const viewer = await createUser(db.prisma, {
      email: 'viewer@example.com',
      password: 'password-123',
      role: 'viewer',
    });
    const api = createCaller(await createContext(services, null, async () => viewer));
    expect((await api.insights.trends({ days: 30 })).pipelines).toHaveLength(2);
    await expect(api.insights.trends({ days: 45 as 30 })).rejects.toThrow(/days must be 30 or 90/);
    const anonymous = createCaller(await createContext(services, null, async () => null));
    await expect(anonymous.insights.trends({ days: 30 })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
